package pnp.jainsip;

import java.util.Properties;

import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

import gov.nist.core.net.SecurityManagerProvider;

/**
 * The stack's TLS key and trust managers for a stack that never speaks TLS (pnp.sip listens on UDP only):
 * none. The stack's default provider reads key stores that are not configured and warns five times at
 * every start and reconfiguration that TLS will be inactive; this one says nothing. Named by
 * {@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}; lives in this bundle because the stack loads it
 * by class name.
 */
public class UdpOnlySecurityManagerProvider implements SecurityManagerProvider {

    @Override
    public void init(Properties properties) {
        // nothing to read: no TLS listening point is ever created
    }

    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return new KeyManager[0];
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return new TrustManager[0];
    }
}
