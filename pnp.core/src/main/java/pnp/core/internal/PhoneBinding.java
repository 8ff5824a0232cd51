package pnp.core.internal;

import java.util.Locale;

import pnp.api.PhoneSighting;

/**
 * Whom a phone is bound to: once a NOTIFY with its URL went out, a phone is the device it was sent to
 * (source address and model of that SUBSCRIBE). A later SUBSCRIBE naming its MAC is judged here.
 *
 * <p>No OSGi code, no state: the worker calls {@link #judge} with the record as it is.
 */
final class PhoneBinding {

    private PhoneBinding() {
    }

    /** What to do with a SUBSCRIBE. */
    enum Verdict {
        /** Not bound yet, or the bound phone while it is still being provisioned: as before. */
        ACCEPT,
        /** The bound phone from its own address and model after its bootstrap (a factory reset or a reboot): provision again. */
        REPROVISION,
        /** Someone else, or the phone in a way not trusted: no URL, nothing moves, the admin decides. */
        REASK
    }

    /**
     * @param reprovisionOwnAddress the setting: the phone from its own address and model is provisioned
     *        again without approval
     * @return the verdict and why
     */
    static Judgement judge(PhoneRecord rec, PhoneSighting s, boolean reprovisionOwnAddress) {
        if (!bound(rec)) {
            return new Judgement(Verdict.ACCEPT, "not bound");
        }
        PhoneSighting was = rec.sighting;
        if (!was.sourceAddress().equals(s.sourceAddress())) {
            return new Judgement(Verdict.REASK, "another address than the one it is bound to");
        }
        if (!sameModel(was.model(), s.model())) {
            return new Judgement(Verdict.REASK, "another model than the one it is bound to");
        }
        if (rec.bootstrap == Bootstrap.Phase.OPEN || rec.bootstrap == Bootstrap.Phase.NONE
                || rec.bootstrap == Bootstrap.Phase.LEGACY) {
            return new Judgement(Verdict.ACCEPT, "its own address while being provisioned");
        }
        if (!reprovisionOwnAddress) {
            return new Judgement(Verdict.REASK, "provisioned; re-provisioning needs approval (reprovisionOwnAddress=false)");
        }
        if (!s.contactHost().equals(s.sourceAddress())) {
            // UDP sources are easy to forge: the NOTIFY must go back to where the datagram came from.
            return new Judgement(Verdict.REASK, "its Contact host " + s.contactHost() + " is not its source address");
        }
        return new Judgement(Verdict.REPROVISION, "its own address and model after its bootstrap");
    }

    /** Bound once a NOTIFY with its URL went out to a sighting (also a phone of an older version that was notified). */
    static boolean bound(PhoneRecord rec) {
        return rec.sighting != null && (rec.notifiedAt != null || rec.notifyPending);
    }

    private static boolean sameModel(String bound, String asked) {
        return bound.isEmpty() || bound.toLowerCase(Locale.ROOT).equals(asked.toLowerCase(Locale.ROOT));
    }

    record Judgement(Verdict verdict, String why) {
    }
}
