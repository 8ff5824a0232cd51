package pnp.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import pnp.api.PhoneInventory;
import pnp.api.PhoneNotifier;
import pnp.api.ProvisioningFiles;
import pnp.api.ResyncSender;
import pnp.api.ResyncSenderService;
import pnp.api.ServerStatus;
import pnp.api.VendorProfile;
import pnp.api.VendorProfileService;

/** Every pnp bundle is active and every one of its components is satisfied, or says why not. */
class ComponentsTest {

    static final Set<String> BUNDLES = Set.of("pnp.api", "pnp.jainsip", "pnp.core", "pnp.sip", "pnp.http", "pnp.tftp",
            "pnp.vendor.grandstream", "pnp.vendor.atcom", "pnp.console");

    @InjectBundleContext
    BundleContext context;

    @Test
    void everyPnpBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        Set<String> seen = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).collect(Collectors.toSet());
        for (Bundle b : context.getBundles()) {
            if (BUNDLES.contains(b.getSymbolicName()) && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " state " + b.getState());
            }
        }
        assertTrue(seen.containsAll(BUNDLES), "installed: " + seen);
        assertEquals(List.of(), notActive);
    }

    @Test
    void everyPnpComponentIsSatisfied(@InjectService ServiceComponentRuntime scr) throws InterruptedException {
        Await.until("all pnp components satisfied", () -> problems(scr).isEmpty());
        assertEquals(List.of(), problems(scr));
        long count = scr.getComponentDescriptionDTOs().stream()
                .filter(d -> BUNDLES.contains(context.getBundle(d.bundle.id).getSymbolicName())).count();
        assertTrue(count >= 7, "pnp components found: " + count);
    }

    private List<String> problems(ServiceComponentRuntime scr) {
        List<String> problems = new ArrayList<>();
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!BUNDLES.contains(context.getBundle(d.bundle.id).getSymbolicName())) {
                continue;
            }
            if (!scr.isComponentEnabled(d)) {
                problems.add(d.name + " disabled");
                continue;
            }
            var configs = scr.getComponentConfigurationDTOs(d);
            if (configs.isEmpty()) {
                problems.add(d.name + " has no configuration (policy " + d.configurationPolicy + ")");
            }
            for (ComponentConfigurationDTO c : configs) {
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                    problems.add(d.name + " state " + c.state + " unsatisfied " + Arrays.stream(c.unsatisfiedReferences)
                            .map(r -> r.name + " " + r.target).toList() + (c.failure == null ? "" : " failure " + c.failure));
                }
            }
        }
        return problems;
    }

    @Test
    void contractsAreRegistered(@InjectService PhoneInventory inventory, @InjectService ProvisioningFiles files,
            @InjectService PhoneNotifier notifier) throws Exception {
        Await.until("two vendor profiles", () -> vendors().size() == 2);
        assertEquals(Set.of("Grandstream", "ATCOM"), vendors());
        List<ServerStatus.Endpoint> endpoints = new ArrayList<>();
        for (ServiceReference<ServerStatus> ref : context.getServiceReferences(ServerStatus.class, null)) {
            endpoints.addAll(context.getService(ref).endpoints());
        }
        Set<String> protocols = endpoints.stream().map(ServerStatus.Endpoint::protocol).collect(Collectors.toSet());
        assertTrue(protocols.containsAll(Set.of("sip/udp", "http", "tftp")), "endpoints: " + endpoints);
        assertFalse(endpoints.stream().anyMatch(e -> e.protocol().equals("sip/udp") && !e.listening()),
                "sip/udp must listen on 127.0.0.1:15060: " + endpoints);
    }

    @Test
    void theBuiltInResyncSenderIsRegisteredBelowAnyOther() throws Exception {
        Await.until("pnp.sip's resync sender", () -> resyncSenders().size() == 1);
        ServiceReference<ResyncSender> ref = resyncSenders().iterator().next();
        assertEquals("pnp.sip", ref.getProperty(ResyncSenderService.NAME));
        assertEquals(ResyncSender.BUILT_IN_RANKING, ref.getProperty("service.ranking"));
    }

    private java.util.Collection<ServiceReference<ResyncSender>> resyncSenders() {
        try {
            return context.getServiceReferences(ResyncSender.class, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<String> vendors() {
        try {
            return context.getServiceReferences(VendorProfile.class, null).stream()
                    .map(r -> String.valueOf(r.getProperty(VendorProfileService.VENDOR))).collect(Collectors.toSet());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
