package pnp.e2e;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser half of {@link PhonesConsoleTest}, run as a program inside the test's network namespace
 * (the JUnit JVM cannot reach into it): Debian's chromium, headless, driven through
 * {@code /usr/bin/chromedriver}, logs in to the console, waits for the phone sipp announced, checks
 * that the hostile User-Agent shows as text, assigns the phone and waits for it to be notified.
 *
 * <p>Arguments: console base URL, console password, MAC (colon form), screenshot file, profile dir.
 * Prints {@code browser: ...} lines, ends with {@code browser OK} (exit 0) or {@code browser FAIL ...}.
 */
public final class PhonesBrowser {

    private PhonesBrowser() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String password = args[1];
        String mac = args[2];
        Path screenshot = Path.of(args[3]);
        Path profile = Path.of(args[4]);
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
                .withLogFile(profile.resolveSibling("chromedriver.log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1600,1000",
                "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        int status = 1;
        try {
            run(driver, base, password, mac, screenshot);
            System.out.println("browser OK");
            status = 0;
        } catch (Exception | AssertionError e) {
            System.out.println("browser FAIL " + e);
            try {
                Files.write(screenshot, driver.getScreenshotAs(OutputType.BYTES));
            } catch (RuntimeException ignored) {
                // the failure above is what counts
            }
        } finally {
            driver.quit();
            service.stop();
        }
        System.exit(status);
    }

    private static void run(ChromeDriver driver, String base, String password, String mac, Path screenshot)
            throws Exception {
        // Basic authentication for every request of the page, fetch() included
        String basic = Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", "Basic " + basic)));
        driver.get(base + "/system/console/phones");
        check(driver.getTitle().contains("Phones"), "console page title: " + driver.getTitle());

        By row = By.cssSelector("#pnp-table tr[data-mac='" + mac + "']");
        waitFor("the phone's row", Duration.ofSeconds(45), () -> !driver.findElements(row).isEmpty());
        WebElement tr = driver.findElement(row);
        String text = tr.getText();
        System.out.println("browser: row: " + text.replace('\n', ' '));
        check(text.contains("<script>alert(1)</script>"), "the hostile User-Agent is shown as text");
        check(text.contains("<img src=x onerror=alert(1)>"), "the hostile model is shown as text");
        Object injected = driver.executeScript(
                "return document.querySelectorAll('#pnp-phones script, #pnp-phones img').length");
        check(((Number) injected).intValue() == 0, "no element injected into the plugin: " + injected);
        noAlert(driver);

        driver.findElement(By.id("pnp-filter")).sendKeys("no-such-phone");
        waitFor("filter hides the row", Duration.ofSeconds(5), () -> driver.findElements(row).isEmpty());
        driver.findElement(By.id("pnp-filter")).clear();
        driver.findElement(By.id("pnp-filter")).sendKeys("3b:89");
        waitFor("filter shows the row", Duration.ofSeconds(5), () -> !driver.findElements(row).isEmpty());

        Object refused = driver.executeAsyncScript("var done = arguments[0];"
                + "fetch(location.origin + '/system/console/phones', {method: 'POST', body: new URLSearchParams("
                + "{action: 'forget', mac: '" + mac + "'})}).then(function (r) { done(r.status); },"
                + " function (e) { done(String(e)); });");
        System.out.println("browser: POST without token: " + refused);
        check(Long.valueOf(403).equals(refused), "a POST without the page token is refused with 403: " + refused);

        driver.findElement(row).findElement(By.xpath(".//button[starts-with(., 'Assign')]")).click();
        WebElement form = driver.findElement(By.id("pnp-assign"));
        check(form.isDisplayed(), "the assign form opens");
        form.findElement(By.name("extension")).sendKeys("201");
        form.findElement(By.name("displayName")).sendKeys("Alice <b>Smith</b>");
        driver.findElement(By.id("pnp-add-key")).click();
        form.findElement(By.name("keyValue")).sendKeys("202");
        form.findElement(By.name("keyLabel")).sendKeys("Bob");
        driver.findElement(By.id("pnp-save")).click();
        WebElement message = driver.findElement(By.id("pnp-message"));
        waitFor("the saved message", Duration.ofSeconds(10), () -> message.isDisplayed()
                && message.getText().contains("SIP password"));
        String generated = message.findElement(By.className("pnp-secret")).getText();
        System.out.println("browser: message: " + message.getText().replace(generated, "<password>"));
        check(generated.matches("[A-Za-z2-9]{20}"), "a strong password was generated and shown once");

        List<String> served = List.of("NOTIFIED", "DOWNLOADED", "PROVISIONED");
        waitFor("state NOTIFIED", Duration.ofSeconds(30), () -> {
            String state = driver.findElement(row).findElement(By.className("pnp-state")).getText();
            return served.contains(state);
        });
        String after = driver.findElement(row).getText();
        System.out.println("browser: row after assigning: " + after.replace('\n', ' '));
        check(after.contains("201") && after.contains("Alice <b>Smith</b>"), "extension and name shown as text");
        noAlert(driver);
        Path tmp = driver.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(tmp, screenshot, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void noAlert(ChromeDriver driver) {
        try {
            String alert = driver.switchTo().alert().getText();
            throw new AssertionError("an alert opened: " + alert);
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
        System.out.println("browser: ok: " + what);
    }

    private static void waitFor(String what, Duration limit, Supplier<Boolean> condition) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            try {
                if (condition.get()) {
                    return;
                }
            } catch (RuntimeException staleOrMissing) {
                // the table is rebuilt on every change; look again
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
    }
}
