package pnp.console.internal;

/**
 * Fills the page template ({@code res/phones.html}): {@code {{root}}} (the plugin's path) and
 * {@code {{token}}} (the CSRF token), both HTML-escaped. Nothing a phone sends is ever part of it: the
 * table is filled in the browser, as text, from {@code phones.json}.
 */
final class PhonesPage {

    private PhonesPage() {
    }

    static String render(String template, String root, String token) {
        return template.replace("{{root}}", escape(root)).replace("{{token}}", escape(token));
    }

    /** Escapes for HTML text and quoted attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&#34;");
                case '\'' -> out.append("&#39;");
                case '$' -> out.append("&#36;"); // the console would expand ${...} in a plugin's HTML
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
