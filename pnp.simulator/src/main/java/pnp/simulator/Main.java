package pnp.simulator;

import java.io.IOException;
import java.io.PrintStream;

/** {@code java -jar pnp-phones.jar [options]}: see {@link Options#USAGE}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the simulator; the exit status: 0 every phone succeeded, 1 some failed, 2 bad options or setup. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("pnp-phones: " + e.getMessage());
            err.println("Try --help.");
            return 2;
        }
        if (o.help) {
            out.print(Options.usage());
            return 0;
        }
        String title = "PnP phone simulator: " + o;
        if (!o.quiet) {
            err.println(title + " ...");
        }
        PhoneResult[] results;
        Simulator simulator = new Simulator(o, o.quiet ? null : err);
        try {
            results = simulator.run();
        } catch (IOException e) {
            err.println("pnp-phones: " + e.getMessage());
            return 2;
        }
        Report report = new Report(results, simulator.lateNotifies());
        out.print(report.text(title));
        try {
            if (o.out != null) {
                report.writeCsv(o.out);
            }
            if (o.summary != null) {
                report.writeSummary(o.summary);
            }
        } catch (IOException e) {
            err.println("pnp-phones: cannot write results: " + e);
            return 2;
        }
        return report.failed == 0 ? 0 : 1;
    }
}
