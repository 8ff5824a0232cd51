package pnp.console.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import pnp.api.MacAddress;
import pnp.api.Phone;
import pnp.api.PhoneInventory;
import pnp.api.ServerStatus;

/**
 * The Web Console's Phones page ({@code /system/console/phones}): every known phone with its state,
 * assigning, provisioning again, unassigning and forgetting phones, bulk import and export.
 *
 * <p>A plain {@link Servlet} registered with {@code felix.webconsole.*} properties, so the bundle needs
 * no console API. The console wraps the GET of {@code /phones} in its page (navigation, styles) and
 * hands everything else through as is: {@code phones.json}, {@code phones.csv}, the POST actions,
 * and {@code /phones/res/*} from this bundle's {@code res/} folder. The console's authentication
 * applies to all of it.
 *
 * <p>Hostile strings (MAC, model, User-Agent, names come off the network) never reach HTML from
 * here: the page is a static template, and {@code res/phones.js} fills the table from
 * {@code phones.json} with {@code textContent} only. POSTs need the page's {@link CsrfTokens} token
 * in a header, and a same-host {@code Origin}/{@code Referer} when the browser sends one.
 *
 * <p>Threading: called concurrently by the HTTP server; holds no mutable state of its own.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + PhonesPlugin.LABEL,
        "felix.webconsole.title=Phones",
        "felix.webconsole.category=PnP" })
public class PhonesPlugin extends HttpServlet {

    static final String LABEL = "phones";
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PhonesPlugin.class);
    /** Lines of a bulk import, to keep one request bounded. */
    static final int MAX_IMPORT_LINES = 5000;
    /**
     * Bytes of a bulk import sent as a {@code text/csv} body: room for {@value #MAX_IMPORT_LINES} long lines.
     * (As a form field the CSV would meet Jetty's 200 KB form limit first, at about 2,000 lines.)
     */
    static final int MAX_IMPORT_BYTES = 2 * 1024 * 1024;

    private final transient PhoneInventory inventory;
    private final transient Assignments assignments;
    private final transient CsrfTokens tokens;
    private final String template;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<ServerStatus> servers = List.of();

    @Activate
    public PhonesPlugin(@Reference PhoneInventory inventory, @Reference ConfigurationAdmin configAdmin)
            throws IOException {
        this.inventory = inventory;
        this.assignments = new Assignments(configAdmin, Assignments.generatedPasswords());
        this.tokens = new CsrfTokens(new SecureRandom());
        try (InputStream in = Objects.requireNonNull(PhonesPlugin.class.getResourceAsStream("/res/phones.html"),
                "res/phones.html is part of this bundle")) {
            this.template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = Optional.ofNullable(req.getPathInfo()).orElse("");
        if (path.endsWith(".json")) {
            List<ServerStatus.Endpoint> endpoints = new ArrayList<>();
            for (ServerStatus s : servers) {
                endpoints.addAll(s.endpoints());
            }
            answer(resp, HttpServletResponse.SC_OK, "application/json",
                    PhonesJson.write(inventory.phones(), assignments.all(), endpoints, inventory.resyncProgress(),
                            Instant.now(), inventory::reask));
        } else if (path.endsWith(".csv")) {
            resp.setHeader("Content-Disposition", "attachment; filename=\"phones.csv\"");
            answer(resp, HttpServletResponse.SC_OK, "text/csv", AssignmentsCsv.write(assignments.all().values()));
        } else {
            String root = Objects.toString(req.getAttribute("felix.webconsole.pluginRoot"),
                    req.getContextPath() + req.getServletPath() + "/" + LABEL);
            resp.setContentType("text/html");
            resp.setCharacterEncoding("UTF-8");
            resp.getWriter().write(PhonesPage.render(template, root, tokens.issue(user(req), Instant.now())));
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!CsrfTokens.sameOrigin(req.getHeader("Origin"), req.getHeader("Referer"), req.getHeader("Host"))) {
            LOG.warn("Phones console: refused a POST from another site (Origin '{}', Referer '{}')",
                    req.getHeader("Origin"), req.getHeader("Referer"));
            error(resp, HttpServletResponse.SC_FORBIDDEN, "request from another site refused");
            return;
        }
        if (!tokens.valid(req.getHeader(CsrfTokens.HEADER), user(req), Instant.now())) {
            error(resp, HttpServletResponse.SC_FORBIDDEN,
                    "missing or expired page token (" + CsrfTokens.HEADER + "): reload the page");
            return;
        }
        String action = Objects.toString(req.getParameter("action"), "");
        try {
            switch (action) {
                case "assign" -> assign(req, resp);
                case "renotify" -> renotify(req, resp);
                case "unassign" -> unassign(req, resp);
                case "forget" -> forget(req, resp);
                case "approve" -> approve(req, resp);
                case "ignore" -> ignore(req, resp);
                case "rotate" -> rotate(req, resp);
                case "import" -> bulkImport(req, resp);
                case "resync" -> resync(req, resp);
                default -> error(resp, HttpServletResponse.SC_BAD_REQUEST, "unknown action '" + action + "'");
            }
        } catch (BadRequest e) {
            error(resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
    }

    private void assign(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        Assignments.Request r = new Assignments.Request(mac, req.getParameter("extension"),
                req.getParameter("sipUserId"), req.getParameter("authId"), req.getParameter("password"),
                req.getParameter("displayName"), split(req.getParameter("codecs"), "[,\\s]+"),
                split(req.getParameter("lineKeys"), "\\R"));
        Assignments.Saved saved;
        try {
            saved = assignments.assign(r);
        } catch (Assignments.Rejected e) {
            error(resp, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        LOG.info("Phones console: {} {} assigned extension {} ({})", saved.created() ? "created" : "updated",
                mac, r.extension(), saved.pid());
        Map<String, Object> out = ok((saved.created() ? "Assigned " : "Updated ") + mac.colonSeparated()
                + " to extension " + r.extension() + ".");
        out.put("pid", saved.pid());
        out.put("created", saved.created());
        out.put("password", saved.generatedPassword());
        out.put("warning", saved.warning());
        answer(resp, HttpServletResponse.SC_OK, "application/json", Json.write(out));
    }

    private void renotify(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        if (inventory.renotify(mac)) {
            answer(resp, HttpServletResponse.SC_OK, "application/json",
                    Json.write(ok("Provisioning " + mac.colonSeparated() + " again (NOTIFY on its way).")));
        } else {
            error(resp, HttpServletResponse.SC_CONFLICT, mac.colonSeparated()
                    + " cannot be notified: it must have been heard, be claimed by a vendor bundle and be assigned");
        }
    }

    private void unassign(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        List<String> removed = assignments.unassign(mac);
        if (removed.isEmpty()) {
            error(resp, HttpServletResponse.SC_NOT_FOUND, mac.colonSeparated() + " has no assignment");
            return;
        }
        LOG.info("Phones console: unassigned {} (removed {})", mac, removed);
        Map<String, Object> out = ok("Unassigned " + mac.colonSeparated() + "; its files are no longer served.");
        out.put("removed", List.copyOf(removed));
        answer(resp, HttpServletResponse.SC_OK, "application/json", Json.write(out));
    }

    private void forget(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        if (inventory.forget(mac)) {
            answer(resp, HttpServletResponse.SC_OK, "application/json",
                    Json.write(ok("Forgot what was heard of " + mac.colonSeparated() + ".")));
        } else {
            error(resp, HttpServletResponse.SC_NOT_FOUND, mac.colonSeparated() + " is not known");
        }
    }

    /** Approve: the asker is provisioned (new one-shot window, new token and HTTP credentials). */
    private void approve(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        String asker = inventory.reask(mac).map(r -> r.address()).orElse("");
        if (inventory.approveReask(mac)) {
            LOG.info("Phones console: approved provisioning {} from {}", mac, asker);
            answer(resp, HttpServletResponse.SC_OK, "application/json", Json.write(ok("Provisioning "
                    + mac.colonSeparated() + " at " + asker + "; its old URL and HTTP credentials no longer work.")));
        } else {
            error(resp, HttpServletResponse.SC_NOT_FOUND, mac.colonSeparated() + " has no request to approve");
        }
    }

    private void ignore(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        if (inventory.ignoreReask(mac)) {
            answer(resp, HttpServletResponse.SC_OK, "application/json",
                    Json.write(ok("Ignored the request for " + mac.colonSeparated() + ".")));
        } else {
            error(resp, HttpServletResponse.SC_NOT_FOUND, mac.colonSeparated() + " has no request to ignore");
        }
    }

    /** Rotate: new token and HTTP credentials, the phone is notified to fetch its new file. */
    private void rotate(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        MacAddress mac = mac(req);
        if (inventory.rotateSecrets(mac)) {
            LOG.info("Phones console: rotated the secrets of {}", mac);
            answer(resp, HttpServletResponse.SC_OK, "application/json", Json.write(ok("New URL token and HTTP "
                    + "credentials for " + mac.colonSeparated() + "; the phone is notified to fetch its new file.")));
        } else {
            error(resp, HttpServletResponse.SC_CONFLICT, mac.colonSeparated()
                    + " has no served files: it must have been heard, be claimed by a vendor bundle and be assigned");
        }
    }

    private void bulkImport(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String csv;
        if (Objects.toString(req.getContentType(), "").toLowerCase(Locale.ROOT).startsWith("text/csv")) {
            byte[] body = req.getInputStream().readNBytes(MAX_IMPORT_BYTES + 1);
            if (body.length > MAX_IMPORT_BYTES) {
                error(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        "at most " + MAX_IMPORT_BYTES / 1024 + " KB per import");
                return;
            }
            csv = new String(body, StandardCharsets.UTF_8);
        } else {
            csv = Objects.toString(req.getParameter("csv"), "");
        }
        AssignmentsCsv.Result parsed = AssignmentsCsv.parse(csv);
        if (parsed.lines().size() + parsed.problems().size() > MAX_IMPORT_LINES) {
            // a header line and blank lines do not count
            error(resp, HttpServletResponse.SC_BAD_REQUEST, "at most " + MAX_IMPORT_LINES + " lines per import");
            return;
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (AssignmentsCsv.Problem p : parsed.problems()) {
            results.add(lineResult(p.number(), "", false, "", p.message()));
        }
        int saved = 0;
        List<Assignments.Request> requests = parsed.lines().stream().map(line -> new Assignments.Request(line.mac(),
                line.extension(), "", "", line.password(), line.displayName(), List.of(), List.of())).toList();
        List<Object> outcomes = assignments.assignAll(requests);
        for (int i = 0; i < outcomes.size(); i++) {
            AssignmentsCsv.Line line = parsed.lines().get(i);
            if (outcomes.get(i) instanceof Assignments.Saved s) {
                results.add(lineResult(line.number(), line.mac().colonSeparated(), true, s.generatedPassword(),
                        s.warning()));
                saved++;
            } else {
                results.add(lineResult(line.number(), line.mac().colonSeparated(), false, "",
                        ((Exception) outcomes.get(i)).getMessage()));
            }
        }
        results.sort((a, b) -> Integer.compare((Integer) a.get("line"), (Integer) b.get("line")));
        LOG.info("Phones console: import saved {} assignments, rejected {} lines", saved, results.size() - saved);
        Map<String, Object> out = ok("Imported " + saved + " of " + results.size() + " lines.");
        out.put("ok", saved == results.size());
        out.put("lines", new ArrayList<Object>(results));
        answer(resp, HttpServletResponse.SC_OK, "application/json", Json.write(out));
    }

    // ---- resync ----

    /**
     * {@code action=resync} with {@code mac} (once per phone: one phone, the selected ones), or
     * {@code scope=all}, {@code scope=vendor&value=V}, {@code scope=model&value=M}.
     */
    private void resync(HttpServletRequest req, HttpServletResponse resp) throws IOException, BadRequest {
        String scope = Objects.toString(req.getParameter("scope"), "");
        String value = Objects.toString(req.getParameter("value"), "");
        ResyncSelection.Result result;
        switch (scope) {
            case "" -> {
                String[] given = Optional.ofNullable(req.getParameterValues("mac")).orElse(new String[0]);
                if (given.length == 0) {
                    throw new BadRequest("resync: give mac (one or more) or scope (all, vendor, model)");
                }
                List<MacAddress> macs = new ArrayList<>();
                for (String m : given) {
                    macs.add(MacAddress.parse(m).orElseThrow(() -> new BadRequest("mac: '" + m
                            + "' is not a MAC address")));
                }
                result = ResyncSelection.macs(inventory, macs);
            }
            case "all" -> result = ResyncSelection.matching(inventory, ResyncSelection.all());
            case "vendor" -> result = ResyncSelection.matching(inventory, ResyncSelection.vendor(value));
            case "model" -> result = ResyncSelection.matching(inventory, ResyncSelection.model(value));
            default -> throw new BadRequest("resync: scope must be all, vendor or model, not '" + scope + "'");
        }
        LOG.info("Phones console: resync queued for {} phone(s), {} refused", result.queued().size(),
                result.refused().size());
        if (result.queued().isEmpty()) {
            error(resp, HttpServletResponse.SC_CONFLICT, result.summary());
            return;
        }
        Map<String, Object> out = ok(result.summary() + ".");
        out.put("queued", result.queued().size());
        out.put("refused", result.refused().size());
        answer(resp, HttpServletResponse.SC_OK, "application/json", Json.write(out));
    }

    private static Map<String, Object> lineResult(int number, String mac, boolean saved, String password,
            String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", number);
        m.put("mac", mac);
        m.put("saved", saved);
        m.put("password", password);
        m.put("message", message);
        return m;
    }

    private static MacAddress mac(HttpServletRequest req) throws BadRequest {
        String text = req.getParameter("mac");
        return MacAddress.parse(text).orElseThrow(() -> new BadRequest("mac: '" + Objects.toString(text, "")
                + "' is not a MAC address"));
    }

    private static List<String> split(String value, String regex) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.strip().split(regex)).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String user(HttpServletRequest req) {
        return Objects.toString(req.getRemoteUser(), "");
    }

    private static Map<String, Object> ok(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("message", message);
        return m;
    }

    private static void error(HttpServletResponse resp, int status, String message) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        answer(resp, status, "application/json", Json.write(m));
    }

    private static void answer(HttpServletResponse resp, int status, String type, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType(type);
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.getWriter().write(body);
    }

    /** A request whose parameters make no sense; answered 400 with the message. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
