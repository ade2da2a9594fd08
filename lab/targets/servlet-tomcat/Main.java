// servlet-tomcat: Jakarta Servlet 6.0 servlets on an embedded Apache Tomcat 10.1 (Debian's
// libtomcat10-java jars), sessions in Tomcat's own HttpSession (StandardManager, in memory,
// persistence off: no SESSIONS.ser is written on stop). No database.
//
//	GET  /login    login form with a hidden csrf_token; creates the HttpSession, so the
//	               pre-auth session cookie JSESSIONID is issued here
//	POST /login    form username, password, csrf_token -> 303 Location: /profile
//	GET  /profile  "Signed in as alice" or 401
//	POST /logout
//
// LAB_VARIANT=vulnerable keeps Tomcat's defaults: session tracking modes COOKIE and URL,
// so Tomcat also takes the session id from the ;jsessionid= path parameter (lower case:
// Tomcat's default URI parameter name, while the cookie is JSESSIONID; a configured
// cookie name would rename both), and the cookie as Tomcat sets it (HttpOnly, no Secure
// over http, no SameSite, a browser-session cookie). The login writes the user into the
// pre-auth session without a new id. Logout removes the user from the session (the id
// lives on, anonymous).
// LAB_VARIANT=fixed: tracking mode COOKIE only (a ;jsessionid= path parameter is ignored),
// request.changeSessionId() on login, session.invalidate() on logout, the session cookie
// Secure + HttpOnly (SessionCookieConfig) and SameSite=Lax (the context's
// Rfc6265CookieProcessor).
// Both variants: Tomcat's default id generator (16 random bytes, 32 hex characters), a
// 30-minute idle timeout, concurrent sessions allowed (a second login does not end the
// first).
//
// Environment: LAB_VARIANT, PORT, LAB_PASSWORD (alice's password, default wonderland-7),
// LAB_TOMCAT_BASE (Tomcat's base directory for its work files; labctl puts it under
// lab/.run/tomcat/).

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.http.Rfc6265CookieProcessor;

public final class Main {
    static final String USER_ATTR = "user";
    static final String CSRF_ATTR = "csrf_token";
    static final SecureRandom RANDOM = new SecureRandom();

    static boolean fixed;
    static byte[] aliceSalt;
    static byte[] aliceHash;

    public static void main(String[] args) throws Exception {
        String variant = System.getenv().getOrDefault("LAB_VARIANT", "");
        if (!variant.equals("vulnerable") && !variant.equals("fixed")) {
            throw new IllegalArgumentException("LAB_VARIANT must be vulnerable or fixed, not '" + variant + "'");
        }
        fixed = variant.equals("fixed");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        String password = System.getenv().getOrDefault("LAB_PASSWORD", "");
        if (password.isEmpty()) {
            password = "wonderland-7";
        }
        aliceSalt = new byte[16];
        RANDOM.nextBytes(aliceSalt);
        aliceHash = hashPassword(password, aliceSalt);

        String baseEnv = System.getenv("LAB_TOMCAT_BASE");
        Path base = baseEnv != null && !baseEnv.isEmpty()
                ? Files.createDirectories(Path.of(baseEnv))
                : Files.createTempDirectory("servlet-tomcat-");

        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = tomcat.getConnector();  // HTTP/1.1 NIO, created on first call
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");

        // The ROOT context ("" = "/"), no static files, no web.xml: the servlets are
        // registered through the Servlet API by the initializer below.
        Context ctx = tomcat.addContext("", null);
        // In-memory sessions only: StandardManager would serialize every live session to
        // work/Tomcat/localhost/ROOT/SESSIONS.ser on stop and reload them on start; an
        // empty pathname turns that persistence off.
        StandardManager manager = new StandardManager();
        manager.setPathname(null);
        ctx.setManager(manager);
        if (fixed) {
            // FIX SESS-009: SameSite=Lax on every cookie this context writes (Tomcat's
            // <CookieProcessor sameSiteCookies="lax"/>); the default is "unset" (no attribute).
            Rfc6265CookieProcessor cookies = new Rfc6265CookieProcessor();
            cookies.setSameSiteCookies("lax");
            ctx.setCookieProcessor(cookies);
        }
        ctx.addServletContainerInitializer(new App(), null);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                System.err.println("servlet-tomcat: stop failed: " + e);
            }
        }));
        long t0 = System.nanoTime();
        tomcat.start();
        System.err.printf("servlet-tomcat (%s) listening on http://127.0.0.1:%d (Tomcat started in %d ms, base %s)%n",
                variant, port, (System.nanoTime() - t0) / 1_000_000, base);
        tomcat.getServer().await();
    }

    /** Registers the servlets and the session configuration while the context starts
     *  (setSessionTrackingModes is only allowed then). */
    static final class App implements ServletContainerInitializer {
        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext sc) {
            if (fixed) {
                // FIX SESS-003: the session id travels in the cookie only; Tomcat then ignores
                // (and strips) a ;jsessionid= path parameter.
                sc.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE));
                SessionCookieConfig scc = sc.getSessionCookieConfig();
                scc.setHttpOnly(true);  // Tomcat's default too (Context useHttpOnly)
                scc.setSecure(true);    // FIX SESS-008: Secure even though the lab serves http://
            }
            // vulnerable: FLAW SESS-003 -- the default tracking modes stay (COOKIE and URL):
            // GET /profile;jsessionid=<id> without any cookie is that session. Tomcat's URI
            // parameter is the lower-case "jsessionid" (the cookie is JSESSIONID).
            // Tomcat's default session cookie is JSESSIONID=...; Path=/; HttpOnly:
            // FLAW SESS-008 -- no Secure (Tomcat adds it only to requests that came over TLS);
            // FLAW SESS-009 -- no SameSite (Rfc6265CookieProcessor's sameSiteCookies "unset").
            sc.addServlet("index", new Index()).addMapping("");  // "" = exactly the context root "/"
            sc.addServlet("login", new Login()).addMapping("/login");
            sc.addServlet("profile", new Profile()).addMapping("/profile");
            sc.addServlet("logout", new Logout()).addMapping("/logout");
        }
    }

    static final class Index extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            page(resp, 200, "servlet-tomcat", "<p>servlet-tomcat lab target. <a href=\"/login\">Sign in</a></p>");
        }
    }

    static final class Login extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            // The form's CSRF token lives in the session: creating it here issues the
            // anonymous session (Set-Cookie: JSESSIONID=...) before authentication.
            HttpSession session = req.getSession(true);
            String csrf = (String) session.getAttribute(CSRF_ATTR);
            if (csrf == null) {
                csrf = randomHex(32);
                session.setAttribute(CSRF_ATTR, csrf);
            }
            page(resp, 200, "Sign in", "<h1>Sign in</h1>\n"
                    + "<form method=\"post\" action=\"/login\">\n"
                    + "  <input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf + "\">\n"
                    + "  <input name=\"username\" autocomplete=\"username\">\n"
                    + "  <input name=\"password\" type=\"password\" autocomplete=\"current-password\">\n"
                    + "  <button>Sign in</button>\n"
                    + "</form>");
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.setCharacterEncoding("UTF-8");
            HttpSession session = req.getSession(false);
            String expected = session == null ? null : (String) session.getAttribute(CSRF_ATTR);
            String sent = req.getParameter("csrf_token");
            if (expected == null || sent == null
                    || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
                page(resp, 403, "Sign in", "<p>Invalid or missing CSRF token; load <a href=\"/login\">the form</a> again.</p>");
                return;
            }
            String username = req.getParameter("username");
            if (!checkCredentials(username, req.getParameter("password"))) {
                page(resp, 401, "Sign in", "<p>Invalid credentials.</p>");
                return;
            }
            if (fixed) {
                // FIX SESS-001: a new session id for the authenticated session (Servlet 3.1's
                // changeSessionId; the attributes move over, the pre-auth id is dead).
                req.changeSessionId();
                session.setAttribute(CSRF_ATTR, randomHex(32));
            }
            // vulnerable: FLAW SESS-001 -- no changeSessionId(): the pre-auth session id
            // becomes the logged-in one.
            session.setAttribute(USER_ATTR, username);
            resp.setStatus(303);
            resp.setHeader("Location", "/profile");
        }
    }

    static final class Profile extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            String user = session == null ? null : (String) session.getAttribute(USER_ATTR);
            if (user == null) {
                page(resp, 401, "Profile", "<p>Not signed in. <a href=\"/login\">Sign in</a></p>");
                return;
            }
            page(resp, 200, "Profile", "<p>Signed in as " + escape(user) + "</p>");
        }
    }

    static final class Logout extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            if (session != null) {
                if (fixed) {
                    // Hardening (SESS-004 is absent in both variants): the session and its id
                    // end on the server.
                    session.invalidate();
                } else {
                    // Not a flaw for the rules: the id stays alive but carries no user, so the
                    // old cookie no longer reaches /profile (no SESS-004).
                    session.removeAttribute(USER_ATTR);
                }
            }
            page(resp, 200, "Signed out", "<p>Signed out.</p>");
        }
    }

    static boolean checkCredentials(String username, String password) {
        if (username == null || password == null) {
            return false;
        }
        // Hash whatever the name is, so an unknown user costs the same as a wrong password.
        boolean same = MessageDigest.isEqual(hashPassword(password, aliceSalt), aliceHash);
        return same && username.equals("alice");
    }

    static byte[] hashPassword(String password, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, 100_000, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static void page(HttpServletResponse resp, int status, String title, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write("<!doctype html><html><head><title>" + title + "</title></head><body>"
                + body + "</body></html>");
    }
}
