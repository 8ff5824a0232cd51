package pnp.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How each vendor's phone announces itself in its PnP SUBSCRIBE (the forms collected in the project's
 * protocol notes), its default MAC prefix (OUI), model and firmware, and which file names it asks for
 * when the NOTIFY gives only a server ({@code tftp://host}) or a folder ({@code http://host/dir/}).
 */
enum Vendor {

    /** {@code sip:MAC%3A000B82273B89@224.0.1.75}, {@code X-Grandstream-PBX: true}. */
    GRANDSTREAM("000B82", "Grandstream", "GXP2140", "1.0.11.3") {
        @Override
        String uriUser(String mac) {
            return "MAC%3A" + mac.toUpperCase(Locale.ROOT);
        }

        @Override
        String userAgent(String model, String firmware) {
            return "Grandstream " + model + " " + firmware;
        }

        @Override
        String httpUserAgent(String model, String firmware, String mac) {
            return "Grandstream Model HW " + model + " SW " + firmware + " DevId " + mac.toLowerCase(Locale.ROOT);
        }

        @Override
        List<String> extraHeaders() {
            return List.of("X-Grandstream-PBX: true");
        }

        /** One file, the first name that exists, in the phone's order (P8501 default). */
        @Override
        String defaultFiles() {
            return "cfg{mac}|cfg{mac}.xml|cfg{model}.xml|cfg.xml";
        }
    },

    /** MAC in the URI, {@code vendor="ATCOM"}; files: the model family's common file, then {@code <mac>.cfg}. */
    ATCOM("808287", "ATCOM", "A20W", "2.7.6.1") {
        @Override
        String defaultFiles() {
            return "{family}?,{mac}.cfg";
        }
    },

    /** {@code sip:MAC001565f4f9e1@224.0.1.75}: lower case, no separator. */
    YEALINK("001565", "yealink", "T46S", "66.86.0.15") {
        @Override
        String uriUser(String mac) {
            return "MAC" + mac.toLowerCase(Locale.ROOT);
        }

        @Override
        String userAgent(String model, String firmware) {
            return "Yealink SIP-" + model + " " + firmware;
        }
    },

    /** {@code sip:MAC%3a00041387AB12@...} (lower {@code %3a}), {@code vendor="snom";model="snom720"}. */
    SNOM("000413", "snom", "snom720", "8.9.3.80") {
        @Override
        String uriUser(String mac) {
            return "MAC%3a" + mac.toUpperCase(Locale.ROOT);
        }

        @Override
        String userAgent(String model, String firmware) {
            return model + "/" + firmware;
        }

        @Override
        String defaultFiles() {
            return "{model}.htm?,{model}-{MAC}.htm";
        }
    },

    /** {@code sip:MAC=00304fa99948@224.0.1.75}, vendor {@code PLANET}. */
    PLANET("00304F", "PLANET", "VIP-1120PT", "1.0.0.1") {
        @Override
        String uriUser(String mac) {
            return "MAC=" + mac.toLowerCase(Locale.ROOT);
        }
    },

    /** The Event parameter is spelled {@code vender}. */
    PANASONIC("0080F0", "Panasonic", "KX-HDV130", "01.133") {
        @Override
        String vendorParameter() {
            return "vender";
        }

        @Override
        String defaultFiles() {
            return "Config{MAC}.cfg";
        }
    },

    /** {@code model="VOIP PHONE"} (uncertain form). */
    FANVIL("0C383E", "Fanvil", "VOIP PHONE", "2.4.5") {
        @Override
        String userAgent(String model, String firmware) {
            return "Fanvil " + model + " " + firmware;
        }
    },

    /** {@code sip:224.0.1.75:5060}, no MAC anywhere, {@code profile-type="application"}, wants a tftp:// body. */
    AUDIOCODES("00908F", "AudioCodes", "400HD", "3.4.2") {
        @Override
        String uriUser(String mac) {
            return "";
        }

        @Override
        String profileType() {
            return "application";
        }

        @Override
        String userAgent(String model, String firmware) {
            return "AUDC-IPPhone/" + firmware + " (" + model + ")";
        }
    };

    private final String oui;
    private final String eventVendor;
    private final String defaultModel;
    private final String defaultFirmware;

    Vendor(String oui, String eventVendor, String defaultModel, String defaultFirmware) {
        this.oui = oui;
        this.eventVendor = eventVendor;
        this.defaultModel = defaultModel;
        this.defaultFirmware = defaultFirmware;
    }

    /** The option value, e.g. {@code grandstream}. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Vendor of(String id) {
        for (Vendor v : values()) {
            if (v.id().equalsIgnoreCase(id.strip())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown vendor '" + id + "' (one of " + ids() + ")");
    }

    static String ids() {
        List<String> ids = new ArrayList<>();
        for (Vendor v : values()) {
            ids.add(v.id());
        }
        return String.join("|", ids);
    }

    /** Six hex digits, upper case. */
    String oui() {
        return oui;
    }

    String eventVendor() {
        return eventVendor;
    }

    String defaultModel() {
        return defaultModel;
    }

    String defaultFirmware() {
        return defaultFirmware;
    }

    /** The user part of Request-URI, From and To for a MAC (12 hex digits); empty: no user part. */
    String uriUser(String mac) {
        return "MAC%3A" + mac.toUpperCase(Locale.ROOT);
    }

    String vendorParameter() {
        return "vendor";
    }

    String profileType() {
        return "device";
    }

    String userAgent(String model, String firmware) {
        return eventVendor + " " + model + " " + firmware;
    }

    /** The User-Agent of the phone's HTTP downloads. */
    String httpUserAgent(String model, String firmware, String mac) {
        return userAgent(model, firmware);
    }

    /** Header lines this vendor adds to its SUBSCRIBE. */
    List<String> extraHeaders() {
        return List.of();
    }

    /**
     * The files asked for when the NOTIFY names only a server or a folder, in {@link FileSpec} syntax:
     * comma-separated files, {@code |} between alternative names of one file, a trailing {@code ?} for a
     * file the phone does without.
     */
    String defaultFiles() {
        return "{mac}.cfg";
    }

    /** The Event header value of this vendor's PnP SUBSCRIBE. */
    String eventHeader(String model, String firmware) {
        return "ua-profile;profile-type=\"" + profileType() + "\";" + vendorParameter() + "=\"" + eventVendor
                + "\";model=\"" + model + "\";version=\"" + firmware + "\"";
    }

    /**
     * ATCOM's common file for a model family (from ATCOM's guide), or empty when the model is not one
     * of them: A1x, CT11, A2x, A40, A41, A48, A68, D2x, D3x.
     */
    static String atcomFamilyFile(String model) {
        String m = model.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        if (m.startsWith("CT11")) {
            return "a000000000011.cfg";
        }
        if (m.length() < 3) {
            return "";
        }
        String head = m.substring(0, 3);
        return switch (head) {
            case "A40" -> "a000000000040.cfg";
            case "A41" -> "a000000000041.cfg";
            case "A48" -> "a000000000048.cfg";
            case "A68" -> "a000000000068.cfg";
            default -> switch (m.substring(0, 2)) {
                case "A1" -> "a000000000010.cfg";
                case "A2" -> "a000000000020.cfg";
                case "D2" -> "d000000000020.cfg";
                case "D3" -> "d000000000030.cfg";
                default -> "";
            };
        };
    }
}
