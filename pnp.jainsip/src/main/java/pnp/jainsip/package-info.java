/**
 * Cheaper ways through JAIN-SIP, plugged in by the stack's own extension properties: a parser that
 * parses only the headers the PnP path reads.
 */
@Export
@Version("1.0.0")
package pnp.jainsip;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
