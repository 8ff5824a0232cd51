package pnp.simulator;

/**
 * One phone's outcome. Times are nanoseconds from the phone's first SUBSCRIBE, -1 when the step was
 * not reached; {@code start} is the absolute {@link System#nanoTime()} of that SUBSCRIBE (0 when the
 * phone never started).
 *
 * @param category empty when the phone succeeded, else why it failed ("no NOTIFY", "HTTP 404", ...)
 * @param detail the failure in words, for the per-phone results
 * @param notifies NOTIFYs received (and answered) while the phone ran: more than one are retransmissions
 * @param resident what the phone did while resident ({@code --resident}), {@link Resident.Outcome#NONE} if it was not
 */
record PhoneResult(int index, String mac, String local, String category, String detail, int subscribes,
        long start, long end, long to200, long toNotify, long toDownload, String url, String notifyFrom,
        int files, long bytes, int notifies, Resident.Outcome resident) {

    boolean ok() {
        return category.isEmpty();
    }

    static PhoneResult notStarted(int index, String mac, String local) {
        return new PhoneResult(index, mac, local, "deadline", "not started before the deadline (--timeout)", 0,
                0, 0, -1, -1, -1, "", "", 0, 0, 0, Resident.Outcome.NONE);
    }
}
