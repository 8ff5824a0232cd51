package pnp.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty pre-assigned phones boot at once over multicast on a network that drops 10% of the packets both
 * ways: 10 Grandstream (file over HTTP) and 10 ATCOM (files over TFTP, half with tftp-hpa, half with atftp).
 *
 * <p>Two network namespaces ({@code ip netns add}, unique names, deleted by the script's trap and again by
 * the test) joined by a veth pair: the server's side 10.200.0.1, the phones' side with one address per phone
 * (10.200.0.11-30), the multicast route on the veth in both. Each veth end drops 10% of the IPv4 packets it
 * receives (nftables netdev ingress, {@code numgen random}); ARP is spared, as loss of it only delays.
 * Each phone is a sipp ({@code pnp-phone-lossy.xml}: resends its SUBSCRIBE until the NOTIFY comes, answers
 * NOTIFY retransmissions; a message landing while it is between two waits is ignored rather than fatal, see
 * the scenario) bound to its own address; as soon as it has the URL it downloads its file, retrying
 * like a phone (bounded), then once more after its "reboot". TFTP clients run under a uid of their own that
 * an {@code ip rule} routes from the phone's address, since the server sends a phone's TFTP file only to the
 * address its SUBSCRIBE came from.
 *
 * <p>Then every record in {@code home/data/phones} must say PROVISIONED, also once every NOTIFY transaction
 * the server started is over (32 s): a lost final TFTP ACK or a lost 200 to a NOTIFY must not leave a
 * provisioned phone recorded otherwise.
 */
class LossyNetworkTest {

    static final String JAR = System.getProperty("pnp.jar");
    static final String SIPP = System.getProperty("pnp.sipp");
    static final int PHONES_PER_VENDOR = 10;

    @BeforeAll
    static void tools() {
        Namespace.requireTools("unshare", "ip", "nft", "setpriv", "sipp", "curl", "tftp", "atftp", "timeout");
    }

    static String gsMac(int i) {
        return String.format("000b82e2e0%02d", i);
    }

    static String atMac(int i) {
        return String.format("808287e2e0%02d", i);
    }

    static final String SCRIPT = """
            S=@S@ P=@P@ N=@N@
            server=
            cleanup() {
              [ -n "$server" ] && kill -9 $server 2>/dev/null
              for ns in $S $P; do
                for p in $(ip netns pids $ns 2>/dev/null); do kill -9 $p 2>/dev/null; done
                ip netns del $ns 2>/dev/null
              done
            }
            trap cleanup EXIT
            trap 'exit 1' INT TERM
            ip netns add $S && ip netns add $P || exit 1
            ip link add vs type veth peer name vp
            ip link set vs netns $S && ip link set vp netns $P || exit 1
            for ns in $S $P; do ip -n $ns link set lo up; done
            ip -n $S addr add 10.200.0.1/24 dev vs; ip -n $S link set vs up; ip -n $S route add 224.0.0.0/4 dev vs
            ip -n $P addr add 10.200.0.2/24 dev vp; ip -n $P link set vp up; ip -n $P route add 224.0.0.0/4 dev vp
            # one address per phone; TFTP clients run as uid 20000+k, which routes from the phone's address
            for k in $(seq 11 $((10 + 2 * N))); do
              ip -n $P addr add 10.200.0.$k/24 dev vp
              ip -n $P rule add uidrange $((20000 + k))-$((20000 + k)) lookup $((100 + k))
              ip -n $P route add 10.200.0.0/24 dev vp src 10.200.0.$k table $((100 + k))
            done
            for end in "$S vs" "$P vp"; do
              set -- $end
              ip netns exec $1 nft -f - <<NFT || exit 1
            table netdev pnploss {
              chain ingress {
                type filter hook ingress device $2 priority 0; policy accept;
                meta protocol ip numgen random mod 100 < 10 counter drop
              }
            }
            NFT
            done
            mkdir -p dl; chmod 711 .; chmod 777 dl

            cd home
            ip netns exec $S java -jar @JAR@ </dev/null >server.log 2>&1 &
            server=$!
            for i in $(seq 1 300); do grep -q 'Vendor profile ATCOM arrived' server.log \\
              && grep -q 'Vendor profile Grandstream arrived' server.log && grep -q 'Listening for PnP SUBSCRIBEs' server.log \\
              && [ $(phones_in data/phones/phones.journal) -ge $((2 * N)) ] && break; sleep 0.1; done
            cd ..
            echo "server ready"

            # boot NAME IP CSV-LINE: sipp in the background, $url as soon as its NOTIFY is logged
            boot() {
              printf 'SEQUENTIAL\\n%s\\n' "$3" > $1.csv
              timeout 60 ip netns exec $P sipp 224.0.1.75:5060 -sf @SIPP@/pnp-phone-lossy.xml -inf $1.csv -i $2 -p 5060 \\
                -m 1 -nostdin -default_behaviors all,-abortunexp -trace_logs -log_file $1.log -trace_err -error_file $1.err >$1.sipp 2>&1 &
              sipp=$!
              url=
              local w
              for w in $(seq 1 300); do
                url=$(grep -o 'url [a-z]*://[^ ]*' $1.log 2>/dev/null | head -1 | cut -c5-); [ -n "$url" ] && break; sleep 0.1
              done
              echo "$1 url $url"
              date +%s > $1.notified
            }
            # attempt NAME WHAT COMMAND...: up to 3 tries, like a phone
            attempt() {
              local name=$1 what=$2 a rc; shift 2
              for a in 1 2 3; do timeout 40 "$@"; rc=$?; [ $rc = 0 ] && break; sleep 1; done
              echo "$name $what $rc after $a"
            }
            gs() {
              local i=$1 mac=$(printf 000b82e2e0%02d $1) ip=10.200.0.$((10 + $1))
              boot gs$i $ip "MAC%3A$mac;Grandstream;GXP2140;1.0.11.16;Grandstream GXP2140 1.0.11.16;"
              for n in first second; do
                attempt gs$i $n ip netns exec $P curl -s -f --interface $ip --connect-timeout 10 --max-time 20 \\
                  -A "Grandstream Model HW GXP2140 SW 1.0.11.16 DevId $mac" -o dl/gs$i.$n "$url"
              done
              wait $sipp; echo "gs$i sipp $?"
            }
            at() {
              local i=$1 mac=$(printf 808287e2e0%02d $1) k=$((20 + $1))
              boot at$i 10.200.0.$k "MAC%3A$mac;ATCOM;ATCOM;2.6;ATCOM A41 2.6.1;"
              local host=${url#tftp://} run="ip netns exec $P setpriv --reuid=$((20000 + k)) --regid=$((20000 + k)) --clear-groups"
              for n in first common second; do
                local f=$mac.cfg; [ $n = common ] && f=a000000000041.cfg
                if [ $((i % 2)) = 1 ]; then
                  attempt at$i $n $run tftp -m binary $host -c get $f dl/at$i.$n
                else
                  attempt at$i $n $run atftp -g -r $f -l dl/at$i.$n $host
                fi
              done
              wait $sipp; echo "at$i sipp $?"
            }
            for i in $(seq 1 $N); do gs $i > gs$i.out 2>&1 & at $i > at$i.out 2>&1 & done
            wait $(jobs -p | grep -vx "$server")
            cat gs*.out at*.out
            echo "phones that ignored a message landing between two waits: $(grep -l 'Continuing call on unexpected' *.err 2>/dev/null | wc -l)"

            # every NOTIFY transaction is over 32 s after it began (before its NOTIFY was received)
            horizon=$(( $(cat *.notified | sort -n | tail -1) + 33 ))
            for i in $(seq 1 700); do
              [ $(phones_in home/data/phones/phones.journal PROVISIONED) -ge $((2 * N)) ] \\
                && [ $(date +%s) -ge $horizon ] && break
              sleep 0.1
            done
            for end in "$S server" "$P phones"; do
              set -- $end
              echo "dropped at $2 $(ip netns exec $1 nft list table netdev pnploss | grep -o 'packets [0-9]*')"
            done
            kill $server; wait $server
            server=
            """;

    @Test
    void everyPhoneOfBothVendorsIsProvisionedDespiteTenPercentLossBothWays(@TempDir Path dir) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String server = "pnpe2e-s-" + suffix;
        String phones = "pnpe2e-p-" + suffix;
        Files.createDirectories(dir.resolve("home/deploy"));
        for (int i = 1; i <= PHONES_PER_VENDOR; i++) {
            Files.writeString(dir.resolve("home/deploy/pnp.phone-gs" + i + ".cfg"), String.format(
                    "mac=%s%nextension=4%02d%npassword=Gs-pw-%02d%ndisplayName=Grand-%02d%n", gsMac(i), i, i, i));
            Files.writeString(dir.resolve("home/deploy/pnp.phone-at" + i + ".cfg"), String.format(
                    "mac=%s%nextension=5%02d%npassword=At-pw-%02d:x%ndisplayName=Atcom %02d%n", atMac(i), i, i, i));
        }
        String out;
        try {
            out = Namespace.run(dir, SCRIPT.replace("@S@", server).replace("@P@", phones)
                    .replace("@N@", Integer.toString(PHONES_PER_VENDOR)).replace("@JAR@", JAR).replace("@SIPP@", SIPP),
                    170);
        } finally {
            Namespace.deleteNetns(server, phones);
        }
        // what the loss cost: downloads that needed another try, packets dropped
        out.lines().filter(l -> l.matches(".* after [2-9]$") || l.startsWith("dropped at ") || l.startsWith("phones that ignored"))
                .forEach(l -> System.out.println("LossyNetworkTest: " + l));
        String context = out + Namespace.serverLog(dir);
        assertTrue(out.contains("server ready"), context);

        List<String> failed = new ArrayList<>();
        for (int i = 1; i <= PHONES_PER_VENDOR; i++) {
            for (String line : new String[] {"gs" + i + " sipp 0", "gs" + i + " first 0", "gs" + i + " second 0",
                "at" + i + " sipp 0", "at" + i + " first 0", "at" + i + " common 0", "at" + i + " second 0"}) {
                if (!out.contains(line)) {
                    failed.add(line);
                }
            }
        }
        // what the sipp of each phone that missed a step saw, ahead of the long server log
        String phoneLogs = failed.stream().map(line -> line.substring(0, line.indexOf(' '))).distinct()
                .map(n -> Namespace.files(dir, n + ".sipp", n + ".err", n + ".log")).reduce("", String::concat);
        assertTrue(failed.isEmpty(), "every phone: 200 and NOTIFY, both downloads; missing " + failed + phoneLogs
                + "\n" + context);

        for (int i = 1; i <= PHONES_PER_VENDOR; i++) {
            String ip = "10.200.0." + (10 + i);
            Matcher url = Pattern.compile("gs" + i + " url (http://10\\.200\\.0\\.1:5481/provisioning/[A-Za-z0-9_-]{22}/cfg"
                    + gsMac(i) + ")\n").matcher(out);
            assertTrue(url.find(), "gs" + i + ": NOTIFY with the file URL\n" + out);
            byte[] first = Files.readAllBytes(dir.resolve("dl/gs" + i + ".first"));
            assertArrayEquals(first, Files.readAllBytes(dir.resolve("dl/gs" + i + ".second")), "gs" + i + " after reboot");
            String body = new String(first, StandardCharsets.ISO_8859_1);
            for (String p : new String[] {String.format("P35=4%02d&", i), String.format("P34=Gs-pw-%02d&", i),
                String.format("P3=Grand-%02d&", i)}) {
                assertTrue(body.contains(p), "gs" + i + " file has " + p + ": " + body);
            }
            assertRecord(dir, gsMac(i), "Grandstream", ip, "http");
        }
        for (int i = 1; i <= PHONES_PER_VENDOR; i++) {
            String ip = "10.200.0." + (20 + i);
            assertTrue(out.contains("at" + i + " url tftp://10.200.0.1\n"), "at" + i + ": NOTIFY with tftp://host\n" + out);
            byte[] first = Files.readAllBytes(dir.resolve("dl/at" + i + ".first"));
            assertArrayEquals(first, Files.readAllBytes(dir.resolve("dl/at" + i + ".second")), "at" + i + " after reboot");
            String body = new String(first, StandardCharsets.UTF_8);
            for (String line : new String[] {String.format("SIP1 Phone Number :5%02d", i),
                String.format("SIP1 Register Pswd :At-pw-%02d:x", i), String.format("SIP1 Display Name :Atcom %02d", i),
                "Download Server IP :tftp://10.200.0.1"}) {
                assertTrue(body.contains("\n" + line + "\n"), "at" + i + " file has '" + line + "':\n" + body);
            }
            assertTrue(Files.readString(dir.resolve("dl/at" + i + ".common")).startsWith("<<VOIP CONFIG FILE>>"));
            assertRecord(dir, atMac(i), "ATCOM", ip, "tftp");
        }

        // the loss really happened, both ways
        Matcher drops = Pattern.compile("dropped at (server|phones) packets (\\d+)").matcher(out);
        int ends = 0;
        while (drops.find()) {
            ends++;
            assertTrue(Long.parseLong(drops.group(2)) > 0, "nothing dropped at the " + drops.group(1) + "'s end\n" + out);
        }
        assertEquals(2, ends, out);
    }

    static void assertRecord(Path dir, String mac, String profile, String address, String protocol) throws Exception {
        Properties phone = Namespace.phoneRecord(dir, mac);
        assertEquals("PROVISIONED", phone.getProperty("state"), mac + ": " + phone);
        assertEquals(profile, phone.getProperty("profile"), mac + ": " + phone);
        assertEquals(address, phone.getProperty("s.sourceAddress"), mac + ": " + phone);
        assertEquals(address, phone.getProperty("d.address"), mac + ": " + phone);
        assertEquals(protocol, phone.getProperty("d.protocol"), mac + ": " + phone);
    }
}
