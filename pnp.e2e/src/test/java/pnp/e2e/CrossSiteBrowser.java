package pnp.e2e;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The browser half of {@link ConsoleCsrfTest}, run as a program inside the test's network namespace: headless
 * chromium that sends the console's credentials with every request (as a browser that has logged in to the
 * console resends Basic credentials), in one of two modes.
 *
 * <ul>
 * <li>{@code attack <page URL>}: opens the attacker's page on another origin and waits until its script says
 * it has sent every request ({@code document.title == "done"}); prints what the page reports.
 * <li>{@code console <console base URL>}: opens the console's configuration page and, from it (same origin),
 * sets {@code maxTransfersPerAddress=9} in {@code pnp.tftp} as the console's own script would; prints the
 * status and the value read back.
 * </ul>
 *
 * <p>Arguments: mode, URL, console password, profile dir. Ends with {@code browser OK} (exit 0) or
 * {@code browser FAIL ...}.
 */
public final class CrossSiteBrowser {

    private CrossSiteBrowser() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String basic = Base64.getEncoder().encodeToString(("admin:" + args[2]).getBytes(StandardCharsets.UTF_8));
        Path profile = Path.of(args[3]);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
                .withLogFile(profile.resolveSibling("chromedriver-" + mode + ".log").toFile()).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile);
        ChromeDriver driver = new ChromeDriver(service, options);
        int status = 1;
        try {
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            driver.executeCdpCommand("Network.enable", Map.of());
            driver.executeCdpCommand("Network.setExtraHTTPHeaders",
                    Map.of("headers", Map.of("Authorization", "Basic " + basic)));
            if (mode.equals("attack")) {
                attack(driver, url);
            } else {
                console(driver, url);
            }
            System.out.println("browser OK");
            status = 0;
        } catch (Exception | AssertionError e) {
            System.out.println("browser FAIL " + e);
        } finally {
            driver.quit();
            service.stop();
        }
        System.exit(status);
    }

    private static void attack(ChromeDriver driver, String page) throws InterruptedException {
        driver.get(page);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"done".equals(driver.getTitle()) && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        System.out.println("browser: attack page title '" + driver.getTitle() + "'");
        System.out.println("browser: attack page says: " + driver.executeScript("return document.body.innerText"));
        if (!"done".equals(driver.getTitle())) {
            throw new AssertionError("the attack page did not finish");
        }
    }

    private static void console(ChromeDriver driver, String base) {
        driver.get(base + "/system/console/configMgr");
        System.out.println("browser: console page title '" + driver.getTitle() + "'");
        Object result = driver.executeAsyncScript("var done = arguments[0];"
                + "fetch('/system/console/configMgr/pnp.tftp', {method: 'POST', body: new URLSearchParams("
                + "{apply: 'true', propertylist: 'maxTransfersPerAddress', maxTransfersPerAddress: '9'})})"
                + ".then(function (r) { return fetch('/system/console/configMgr/pnp.tftp.json').then(function (j) {"
                + "  return j.json(); }).then(function (c) {"
                + "  done('status ' + r.status + ' value ' + c[0].properties.maxTransfersPerAddress.value); }); })"
                + ".catch(function (e) { done(String(e)); });");
        System.out.println("browser: same-origin POST: " + result);
    }
}
