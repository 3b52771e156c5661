package io.greenhouse.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator opens the test cell's admin center in a browser (Debian's headless Chromium,
 * driven by Selenium through Debian's chromedriver: nothing is downloaded), logs in with the
 * administrator's password the cell generated at its first start, and sees the Greenhouse server.
 * Leaves target/admin-center-*.png.
 */
class AdminCenterIT {
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", ".")).resolve("target");

    private final TestCell cell = new TestCell();
    private final URI admin = URI.create(System.getProperty("greenhouse.test.adminUrl", "https://127.0.0.1:27788"));
    private final Path serverDir = Path.of(System.getProperty("greenhouse.test.serverDir",
            "target/liberty/wlp/usr/servers/greenhouse-it"));
    private Path profile;
    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        Files.deleteIfExists(SCREENSHOTS.resolve("admin-center-failed.png"));
        profile = Files.createTempDirectory("gh-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--disable-default-apps", "--disable-client-side-phishing-detection", "--disable-domain-reliability",
                "--user-data-dir=" + profile, "--window-size=1400,900");
        // The cell's certificate is Liberty's self-signed one.
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
        // Liberty opens the HTTPS port once the keystore it makes at the first start is there.
        assertTrue(TestCell.eventually(Duration.ofSeconds(90), this::adminPortOpen), admin + " never opened");
    }

    private boolean adminPortOpen() {
        try (java.net.Socket socket = new java.net.Socket(admin.getHost(), admin.getPort())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** A browser flow that can be cut off by the host, not by the cell. */
    private interface Flow {
        void run() throws Exception;
    }

    /**
     * Runs a flow up to three times from a fresh page: Chromium aborts page loads and requests
     * when the host's interfaces change (ERR_NETWORK_CHANGED), which other test runs on the same
     * host do when they make veths. The last failure is reported, with its screenshot.
     */
    private void withRetries(Flow flow) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                flow.run();
                return;
            } catch (AssertionError e) {
                if (attempt == 3) {
                    throw e;
                }
                System.err.println("admin center flow attempt " + attempt + " failed, again: " + e.getMessage());
                browser.manage().deleteAllCookies();
            }
        }
    }

    @Test
    void anOperatorLogsInAndSeesTheGreenhouseServer() throws Exception {
        withRetries(this::logInAndExplore);
    }

    private void logInAndExplore() throws Exception {
        String password = generatedPassword();
        browser.get(admin + "/adminCenter/");
        waitFor("the login form", d -> d.findElement(By.id("j_username")).isDisplayed());
        assertTrue(browser.getCurrentUrl().contains("/adminCenter/login"), browser.getCurrentUrl());
        shot("admin-center-login");
        browser.findElement(By.id("j_username")).sendKeys("admin");
        browser.findElement(By.id("j_password")).sendKeys(password);
        browser.findElement(By.id("loginButton")).click();

        // The toolbox, then the Explore tool: the server, its applications and their state.
        waitFor("the toolbox", d -> !d.getCurrentUrl().contains("login") && pageText(d).contains("Explore"));
        shot("admin-center-toolbox");

        // Explore: the server (its name, its applications running), then its applications.
        browser.get(admin + "/adminCenter/#explore");
        waitFor("the server in Explore", d -> pageText(d).contains(cell.serverName) && pageText(d).contains("Running"));
        shot("admin-center-explore");
        waitFor("the Applications view", d -> clickInFrames(d, "Applications"));
        waitFor("the greenhouse application running", d -> pageText(d).contains("\ngreenhouse\nRunning"));
        shot("admin-center-applications");
    }

    /** Clicks the first visible element of a frame whose own text is exactly this. */
    private static boolean clickInFrames(WebDriver d, String text) {
        for (var frame : d.findElements(By.tagName("iframe"))) {
            try {
                d.switchTo().frame(frame);
                for (var e : d.findElements(By.xpath("//*[normalize-space(text())='" + text + "']"))) {
                    if (e.isDisplayed()) {
                        e.click();
                        return true;
                    }
                }
            } catch (org.openqa.selenium.WebDriverException e) {
                // Not clickable yet: the next poll tries again.
            } finally {
                d.switchTo().defaultContent();
            }
        }
        return false;
    }

    /** The text of the page and of its frames (each tool runs in a frame of its own). */
    private static String pageText(WebDriver d) {
        StringBuilder text = new StringBuilder(d.findElement(By.tagName("body")).getText());
        for (var frame : d.findElements(By.tagName("iframe"))) {
            try {
                d.switchTo().frame(frame);
                text.append('\n').append(d.findElement(By.tagName("body")).getText());
            } catch (org.openqa.selenium.WebDriverException e) {
                // A frame that is being replaced: the next poll reads it.
            } finally {
                d.switchTo().defaultContent();
            }
        }
        return text.toString();
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        withRetries(this::wrongPassword);
    }

    private void wrongPassword() throws IOException {
        browser.get(admin + "/adminCenter/");
        waitFor("the login form", d -> d.findElement(By.id("j_username")).isDisplayed());
        browser.findElement(By.id("j_username")).sendKeys("admin");
        browser.findElement(By.id("j_password")).sendKeys("not-the-password");
        browser.findElement(By.id("loginButton")).click();
        waitFor("the refusal", d -> d.getCurrentUrl().contains("login") && d.getPageSource().toLowerCase().contains("error"));
    }

    @Test
    void theAdminCenterIsNotOnTheGardenPort() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(cell.url + "/adminCenter/")).build(),
                HttpResponse.BodyHandlers.ofString());
        // Its pages demand HTTPS, which the Garden endpoint does not offer.
        assertEquals(403, response.statusCode());
        assertTrue(!response.body().contains("j_password"), response.body());
        // The Garden API answers on its own port.
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(cell.url + "/ping")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theGeneratedPasswordIsKeptPrivateAndPrintedAtMostOnce() throws Exception {
        String password = generatedPassword();
        Path file = serverDir.resolve("resources/security/greenhouse-admin.password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                serverDir.resolve("configDropins/overrides/greenhouse-admin.xml"))));
        String log = Files.readString(serverDir.resolve("logs/messages.log"));
        assertTrue(log.split(Pattern.quote(password), -1).length <= 2, "the password is printed more than once");
        assertTrue(log.contains("admin center " + admin + "/adminCenter/: user admin"), "no admin center line");
    }

    private String generatedPassword() throws IOException {
        Path file = serverDir.resolve("resources/security/greenhouse-admin.password");
        assertTrue(TestCell.eventually(Duration.ofSeconds(30), () -> Files.isRegularFile(file)), file + " missing");
        return Files.readString(file).strip();
    }

    /** Waits, leaving a screenshot and the page's text behind when the wait fails. */
    private void waitFor(String what, java.util.function.Function<WebDriver, Boolean> condition) throws IOException {
        try {
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(condition::apply);
        } catch (org.openqa.selenium.TimeoutException e) {
            shot("admin-center-failed");
            throw new AssertionError("waiting for " + what + " at " + browser.getCurrentUrl() + ":\n"
                    + pageText(browser), e);
        }
    }

    private void shot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }
}
