package pnp.simulator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/** The command line of the phone simulator. */
final class Options {

    static final String USAGE = """
            Usage: java -jar pnp-phones.jar [options]

            Plays N IP phones booting at once against a SIP Plug-and-Play provisioning server: each phone
            sends its PnP SUBSCRIBE (Event: ua-profile), expects 200, waits for the NOTIFY, answers it 200,
            and downloads the URL it carries over HTTP, HTTPS or TFTP from its own local address. Prints a
            summary; exit status 0 only when every phone succeeded (1: some failed, 2: bad options).

            Phones
              --phones N            number of phones (default 1)
              --vendor V            SUBSCRIBE form, MAC prefix and file names of one vendor (default
                                    grandstream): %s
              --model M             model in the Event header and User-Agent (default per vendor, e.g. GXP2140)
              --firmware F          firmware version in the Event header and User-Agent (default per vendor)
              --mac-start MAC       first MAC, 12 hex digits (default the vendor's OUI + 000001); the
                                    phones get consecutive MACs
              --files SPEC          file names asked for when the NOTIFY names only a server (tftp://host)
                                    or a folder (ending in /): comma-separated files, '|' between
                                    alternatives, trailing '?' = optional; {mac} {MAC} {model} {MODEL}
                                    {family}. Default per vendor: grandstream
                                    'cfg{mac}|cfg{mac}.xml|cfg{model}.xml|cfg.xml', atcom '{family}?,{mac}.cfg'
                                    ({family} = ATCOM's common file of the model, a000000000020.cfg for A2x)

            Network
              --target HOST:PORT    where SUBSCRIBEs go: the PnP group 224.0.1.75:5060 (default) or a
                                    server's unicast address
              --source-from ADDR    phone i binds ADDR+i (IPv4, consecutive, skipping .0 and .255): every
                                    phone its own address, as on a LAN (on Linux any 127.x.y.z is local)
              --bind ADDR           one local address for all phones, each its own port (default: the
                                    address the route to the target uses). Note: servers limit SUBSCRIBEs
                                    per source address; storms need --source-from
              --local-port P        the phones' SIP port (default 0: any free port; real phones use 5060,
                                    which works only with --source-from)
              --interface IF        multicast: the interface (name or address) to send the group on
              --ttl N               multicast TTL (default 1: the local network only)
              --no-loopback         multicast: do not loop the group's packets back to this host
                                    (default: looped back, so a server on this host hears them)

            Rate and bounds
              --rate R              new phones per second (default 0: all at once, --concurrency at a time)
              --concurrency C       phones in flight at most, one thread each (default 200)
              --timeout S           overall deadline in seconds (default 300); phones not done by then fail
              --t1 MS               SIP T1: first SUBSCRIBE retransmission after MS, doubling up to 4 s
                                    (RFC 3261 timer E; default 500)
              --subscribe-timeout S how long to retransmit the SUBSCRIBE without a final answer (default 32,
                                    timer F)
              --notify-timeout S    how long to wait for the NOTIFY after the 200 (default 30)
              --download-timeout S  per file downloaded (default 30)
              --linger S            keep each finished phone's SIP socket open S seconds to answer NOTIFY
                                    retransmissions, as a phone still applying its file would (default 4;
                                    0: close at once, like a phone rebooting instantly); a lingering
                                    phone holds a file descriptor: past the ulimit -n, phones close at once
                                    Big storms on a small machine: java -XX:TieredStopAtLevel=1
                                    -XX:+UseSerialGC -jar pnp-phones.jar ... halves the simulator's CPU

            Resident phones (day two: resync)
              --resident S          after provisioning, each phone stays up S seconds (bounded by --timeout)
                                    and reacts to a resync NOTIFY (any Event but ua-profile); needs
                                    --downloads 1 or more and --concurrency at least --phones (one thread
                                    per phone)
              --resync B[,B...]     how: accept (200, then download again from the config server path in
                                    its file, with the HTTP credentials there), challenge (401 Digest;
                                    200 and download once answered with the SIP account's credentials
                                    from its file), ignore (no answer), accept-only (200, no download).
                                    Several: phone i takes the (i mod n)-th (default accept)

            Downloads
              --downloads N         downloads of the URL per phone (default 1; 0: SIP only). From the
                                    second on, as a rebooted phone would: each copy must be byte-identical
                                    to the first
              --insecure            HTTPS: accept a self-signed certificate and any host name
              --tftp-blksize B      TFTP block size (default 512, plain RFC 1350; otherwise asked for with
                                    the blksize and tsize options)
              --tftp-timeout MS     TFTP resend timeout (default 1000); --tftp-retries N (default 5)
              --max-file-size B     largest file accepted (default 16777216)
              --save-files DIR      keep each phone's first copy of each file as DIR/<mac>/<name>, to
                                    compare with what the server serves later; a resident phone keeps
                                    its latest download after a resync as DIR/<mac>/resync/<name>

            Output
              --out FILE            per-phone results as CSV (outcome, reason, latencies, URL, bytes)
              --summary FILE        the summary as key=value lines, for scripts
              --quiet               no progress lines on stderr
              --help                this text

            Examples
              java -jar pnp-phones.jar --phones 5 --interface eth0
              java -jar pnp-phones.jar --phones 10000 --target 127.0.0.1:5060 --source-from 127.1.0.1 \\
                  --downloads 2 --out results.csv
              java -jar pnp-phones.jar --vendor atcom --phones 50 --target 192.168.1.10:5060 --rate 20
            """;

    int phones = 1;
    Vendor vendor = Vendor.GRANDSTREAM;
    String model;
    String firmware;
    long macStart = -1;
    FileSpec files;
    InetSocketAddress target = new InetSocketAddress(address("224.0.1.75"), 5060);
    InetAddress sourceFrom;
    InetAddress bind;
    int localPort;
    String iface;
    int ttl = 1;
    boolean loopback = true;
    double rate;
    int concurrency = 200;
    double timeoutSeconds = 300;
    long t1Millis = 500;
    long subscribeTimeoutMillis = 32_000;
    long notifyTimeoutMillis = 30_000;
    long downloadTimeoutMillis = 30_000;
    long lingerMillis = 4000;
    long residentMillis;
    java.util.List<Resident.Behaviour> resync = java.util.List.of(Resident.Behaviour.ACCEPT);
    int downloads = 1;
    boolean insecure;
    int tftpBlockSize = 512;
    int tftpTimeoutMillis = 1000;
    int tftpRetries = 5;
    long maxFileSize = 16L * 1024 * 1024;
    Path saveFiles;
    Path out;
    Path summary;
    boolean quiet;
    boolean help;

    static String usage() {
        return USAGE.formatted(Vendor.ids());
    }

    static Options parse(String... args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help", "-h" -> o.help = true;
                case "--insecure" -> o.insecure = true;
                case "--quiet", "-q" -> o.quiet = true;
                case "--no-loopback" -> o.loopback = false;
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        value = args[++i];
                    }
                    o.set(a, value);
                }
            }
        }
        o.check();
        return o;
    }

    private void set(String option, String v) {
        switch (option) {
            case "--phones" -> phones = intIn(option, v, 1, 10_000_000);
            case "--vendor" -> vendor = Vendor.of(v);
            case "--model" -> model = nonBlank(option, v);
            case "--firmware" -> firmware = nonBlank(option, v);
            case "--mac-start" -> macStart = mac(v);
            case "--files" -> files = FileSpec.parse(v);
            case "--target" -> target = hostPort(v);
            case "--source-from" -> sourceFrom = ipv4(option, v);
            case "--bind" -> bind = address(v);
            case "--local-port" -> localPort = intIn(option, v, 0, 65535);
            case "--interface" -> iface = nonBlank(option, v);
            case "--ttl" -> ttl = intIn(option, v, 0, 255);
            case "--rate" -> rate = doubleIn(option, v, 0, 1e7);
            case "--concurrency" -> concurrency = intIn(option, v, 1, 20_000);
            case "--timeout" -> timeoutSeconds = doubleIn(option, v, 0.001, 86_400);
            case "--t1" -> t1Millis = intIn(option, v, 1, 60_000);
            case "--subscribe-timeout" -> subscribeTimeoutMillis = millis(option, v);
            case "--notify-timeout" -> notifyTimeoutMillis = millis(option, v);
            case "--download-timeout" -> downloadTimeoutMillis = millis(option, v);
            case "--linger" -> lingerMillis = v.strip().equals("0") ? 0 : millis(option, v);
            case "--downloads" -> downloads = intIn(option, v, 0, 100);
            case "--resident" -> residentMillis = millis(option, v);
            case "--resync" -> resync = java.util.Arrays.stream(v.split(",")).map(Resident.Behaviour::of).toList();
            case "--tftp-blksize" -> tftpBlockSize = intIn(option, v, 8, 65464);
            case "--tftp-timeout" -> tftpTimeoutMillis = intIn(option, v, 1, 600_000);
            case "--tftp-retries" -> tftpRetries = intIn(option, v, 0, 100);
            case "--max-file-size" -> maxFileSize = intIn(option, v, 1, Integer.MAX_VALUE - 64);
            case "--save-files" -> saveFiles = Path.of(v);
            case "--out" -> out = Path.of(v);
            case "--summary" -> summary = Path.of(v);
            default -> throw new IllegalArgumentException("unknown option " + option + " (see --help)");
        }
    }

    private void check() {
        if (sourceFrom != null && bind != null) {
            throw new IllegalArgumentException("--source-from and --bind exclude each other");
        }
        if (localPort != 0 && sourceFrom == null && phones > 1) {
            throw new IllegalArgumentException("--local-port with more than one phone needs --source-from"
                    + " (phones sharing an address need their own ports)");
        }
        if (residentMillis > 0 && downloads < 1) {
            throw new IllegalArgumentException("--resident needs --downloads 1 or more: a phone re-reads the file it got");
        }
        if (residentMillis > 0 && concurrency < phones) {
            throw new IllegalArgumentException("--resident keeps one thread per phone: --concurrency must be at least --phones ("
                    + phones + ")");
        }
        if (macStart >= 0 && macStart + phones - 1 > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("--mac-start + --phones runs past FFFFFFFFFFFF");
        }
        if (sourceFrom != null) {
            long first = Integer.toUnsignedLong(ipv4Int(sourceFrom));
            if (first + (long) phones * 256 / 254 + 2 > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("--source-from + --phones runs past 255.255.255.255");
            }
        }
    }

    String model() {
        return model != null ? model : vendor.defaultModel();
    }

    String firmware() {
        return firmware != null ? firmware : vendor.defaultFirmware();
    }

    FileSpec files() {
        return files != null ? files : FileSpec.parse(vendor.defaultFiles());
    }

    long firstMac() {
        return macStart >= 0 ? macStart : Long.parseLong(vendor.oui() + "000001", 16);
    }

    boolean multicast() {
        return target.getAddress().isMulticastAddress();
    }

    /** Phone i's MAC, 12 upper-case hex digits. */
    String mac(int i) {
        return HexFormat.of().withUpperCase().toHexDigits(firstMac() + i).substring(4);
    }

    /** This address, or the next one when it ends in .0 or .255 (for --source-from). */
    static InetAddress usable(InetAddress a) {
        int last = ipv4Int(a) & 0xff;
        return last == 0 || last == 255 ? nextUsable(a) : a;
    }

    /** The next address after this one that does not end in .0 or .255 (for --source-from). */
    static InetAddress nextUsable(InetAddress previous) {
        long n = Integer.toUnsignedLong(ipv4Int(previous)) + 1;
        while ((n & 0xff) == 0 || (n & 0xff) == 255) {
            n++;
        }
        return fromInt((int) n);
    }

    static int ipv4Int(InetAddress a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    static InetAddress fromInt(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8),
                    (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long mac(String v) {
        String hex = v.replaceAll("[:.\\-]", "");
        if (!hex.matches("[0-9A-Fa-f]{12}")) {
            throw new IllegalArgumentException("--mac-start needs 12 hex digits: " + v);
        }
        return Long.parseLong(hex, 16);
    }

    static InetSocketAddress hostPort(String v) {
        String host = v;
        int port = 5060;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("bad --target " + v);
            }
            host = v.substring(1, end);
            if (end + 1 < v.length()) {
                port = intIn("--target", v.substring(end + 2), 1, 65535);
            }
        } else if (v.indexOf(':') == v.lastIndexOf(':') && v.indexOf(':') > 0) {
            host = v.substring(0, v.indexOf(':'));
            port = intIn("--target", v.substring(v.indexOf(':') + 1), 1, 65535);
        }
        return new InetSocketAddress(address(host), port);
    }

    static InetAddress address(String v) {
        try {
            return InetAddress.getByName(v.strip());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host " + v);
        }
    }

    private static InetAddress ipv4(String option, String v) {
        InetAddress a = address(v);
        if (a.getAddress().length != 4) {
            throw new IllegalArgumentException(option + " needs an IPv4 address: " + v);
        }
        return a;
    }

    private static String nonBlank(String option, String v) {
        if (v.isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return v.strip();
    }

    private static int intIn(String option, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new IllegalArgumentException(option + " must be " + min + ".." + max + ": " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number: " + v);
        }
    }

    private static double doubleIn(String option, String v, double min, double max) {
        try {
            double d = Double.parseDouble(v.strip());
            if (!(d >= min && d <= max)) {
                throw new IllegalArgumentException(option + " must be " + min + ".." + max + ": " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number: " + v);
        }
    }

    private static long millis(String option, String v) {
        return Math.round(doubleIn(option, v, 0.001, 86_400) * 1000);
    }

    /** Phone i's reaction to a resync NOTIFY: the list of {@code --resync}, in turn. */
    Resident.Behaviour resyncBehaviour(int index) {
        return resync.get(index % resync.size());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d %s phones (%s), target %s, %s", phones, vendor.id(), model(),
                Sip.host(target.getAddress()) + ":" + target.getPort() + (multicast() ? " (multicast)" : ""),
                sourceFrom != null ? "own addresses from " + sourceFrom.getHostAddress()
                        : "one address" + (bind != null ? " " + bind.getHostAddress() : ""));
    }
}
