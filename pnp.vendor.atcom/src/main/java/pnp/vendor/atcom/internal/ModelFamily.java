package pnp.vendor.atcom.internal;

/**
 * The ATCOM model families and the common file each one asks for. A phone asks for its family's
 * common file and for {@code <mac>.cfg}; since the SUBSCRIBE may not name the model, every family's
 * common file is rendered for every phone.
 */
enum ModelFamily {
    A1X("a000000000010.cfg"),
    CT11("a000000000011.cfg"),
    A2X("a000000000020.cfg"),
    /** Not in the guide's list; asked for in the guide's TFTP capture. */
    A40("a000000000040.cfg"),
    A41("a000000000041.cfg"),
    A48("a000000000048.cfg"),
    A68("a000000000068.cfg"),
    D2X("d000000000020.cfg"),
    D3X("d000000000030.cfg");

    private final String fileName;

    ModelFamily(String fileName) {
        this.fileName = fileName;
    }

    /** The common file's name, lower case. */
    String fileName() {
        return fileName;
    }
}
