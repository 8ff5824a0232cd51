package pnp.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import pnp.api.MacAddress;
import pnp.api.PhoneSighting;

/** Every verdict of {@link PhoneBinding}, one test each. */
class PhoneBindingTest {

    static final MacAddress MAC = MacAddress.parse("000b82000001").orElseThrow();
    static final String PHONE = "10.0.0.1";

    static PhoneSighting from(String source, String contact, String model) {
        return new PhoneSighting(MAC, "Grandstream", model, "1.0", "", contact, 5060, source, 5060, "", "", true,
                Instant.now());
    }

    static PhoneRecord bound(Bootstrap.Phase phase) {
        PhoneRecord rec = new PhoneRecord(MAC);
        rec.sighting = from(PHONE, PHONE, "GXP2170");
        rec.notifiedAt = Instant.now();
        rec.bootstrap = phase;
        return rec;
    }

    private static PhoneBinding.Verdict judge(PhoneRecord rec, PhoneSighting s, boolean reprovisionOwnAddress) {
        return PhoneBinding.judge(rec, s, reprovisionOwnAddress).verdict();
    }

    @Test
    void aPhoneNeverNotifiedIsNotBound() {
        PhoneRecord rec = new PhoneRecord(MAC);
        rec.sighting = from(PHONE, PHONE, "GXP2170");
        assertEquals(PhoneBinding.Verdict.ACCEPT, judge(rec, from("10.0.0.9", "10.0.0.9", "GXP2170"), true),
                "heard but never sent its URL: it may move");
    }

    @Test
    void anotherAddressNeedsApprovalInEveryPhase() {
        for (Bootstrap.Phase phase : Bootstrap.Phase.values()) {
            assertEquals(PhoneBinding.Verdict.REASK, judge(bound(phase), from("10.0.0.9", "10.0.0.9", "GXP2170"), true),
                    phase.name());
        }
    }

    @Test
    void anotherModelNeedsApproval() {
        assertEquals(PhoneBinding.Verdict.REASK, judge(bound(Bootstrap.Phase.CLOSED), from(PHONE, PHONE, "GXP1620"), true));
        assertEquals(PhoneBinding.Verdict.ACCEPT, judge(bound(Bootstrap.Phase.OPEN), from(PHONE, PHONE, "gxp2170"), true),
                "the same model in other letters");
    }

    @Test
    void itsOwnAddressWhileBeingProvisionedIsAccepted() {
        assertEquals(PhoneBinding.Verdict.ACCEPT, judge(bound(Bootstrap.Phase.OPEN), from(PHONE, PHONE, "GXP2170"), false));
        assertEquals(PhoneBinding.Verdict.ACCEPT, judge(bound(Bootstrap.Phase.LEGACY), from(PHONE, PHONE, "GXP2170"), false),
                "a phone of the older version: its next provisioning");
    }

    @Test
    void itsOwnAddressAfterItsBootstrapIsProvisionedAgainWhenTheSettingAllows() {
        assertEquals(PhoneBinding.Verdict.REPROVISION, judge(bound(Bootstrap.Phase.CLOSED), from(PHONE, PHONE, "GXP2170"), true));
        assertEquals(PhoneBinding.Verdict.REASK, judge(bound(Bootstrap.Phase.CLOSED), from(PHONE, PHONE, "GXP2170"), false));
    }

    @Test
    void aContactHostOtherThanTheSourceNeedsApproval() {
        assertEquals(PhoneBinding.Verdict.REASK,
                judge(bound(Bootstrap.Phase.CLOSED), from(PHONE, "192.0.2.66", "GXP2170"), true),
                "a forged source: the NOTIFY would go elsewhere");
    }
}
