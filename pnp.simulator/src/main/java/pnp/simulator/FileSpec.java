package pnp.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The files a phone asks for when its NOTIFY names only a server or a folder. Syntax: files separated
 * by {@code ,}; alternative names of one file separated by {@code |}, tried in order until one exists;
 * a trailing {@code ?} marks a file the phone does without. Placeholders: {@code {mac}} (lower case),
 * {@code {MAC}} (upper case), {@code {model}} (lower case), {@code {MODEL}} (as given), {@code {family}}
 * (ATCOM's common file of the model's family; a name that becomes empty is dropped).
 */
final class FileSpec {

    /** One file to fetch: its alternative names, and whether the phone can do without it. */
    record Slot(List<String> names, boolean optional) {
    }

    private final List<Slot> slots;

    private FileSpec(List<Slot> slots) {
        this.slots = slots;
    }

    static FileSpec parse(String spec) {
        List<Slot> slots = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            boolean optional = p.endsWith("?");
            if (optional) {
                p = p.substring(0, p.length() - 1);
            }
            List<String> names = new ArrayList<>();
            for (String n : p.split("\\|")) {
                String name = n.strip();
                if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                    throw new IllegalArgumentException("bad file name '" + n + "' in '" + spec + "'");
                }
                names.add(name);
            }
            if (names.isEmpty()) {
                throw new IllegalArgumentException("empty file in '" + spec + "'");
            }
            slots.add(new Slot(List.copyOf(names), optional));
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no file names in '" + spec + "'");
        }
        return new FileSpec(List.copyOf(slots));
    }

    List<Slot> slots() {
        return slots;
    }

    /** The slots with one phone's placeholders filled in; names that came out empty are dropped. */
    List<Slot> expand(String mac, String model) {
        String family = Vendor.atcomFamilyFile(model);
        String safeModel = model.replaceAll("[^A-Za-z0-9._-]", "");
        List<Slot> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            List<String> names = new ArrayList<>(s.names().size());
            for (String n : s.names()) {
                String name = n.replace("{mac}", mac.toLowerCase(Locale.ROOT))
                        .replace("{MAC}", mac.toUpperCase(Locale.ROOT))
                        .replace("{model}", safeModel.toLowerCase(Locale.ROOT))
                        .replace("{MODEL}", safeModel)
                        .replace("{family}", family);
                if (!name.isEmpty() && !(n.contains("{family}") && family.isEmpty())) {
                    names.add(name);
                }
            }
            if (!names.isEmpty()) {
                out.add(new Slot(List.copyOf(names), s.optional()));
            }
        }
        return out;
    }
}
