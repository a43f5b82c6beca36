// A PostgreSQL JDBC client (Debian's /usr/share/java/postgresql.jar, pgjdbc 42.5) that logs in with
// Kerberos from an existing ticket cache: JAAS Krb5LoginModule with useTicketCache, gsslib=gssapi,
// no password anywhere. Run as a single-file program:
//
//   java -cp /usr/share/java/postgresql.jar \
//        -Djava.security.krb5.conf=<client krb5.conf> \
//        -Djdk.net.hosts.file=<file with "127.0.0.1 db.example.com">   # when the name is not in DNS
//        tests/clients/KerberosLogin.java --host db.example.com --port 5432 \
//        --user alice@REALM --ccache /path/to/ccache --gssenc require --query "SELECT 1"
//
// JDBC has no hostaddr: it dials the host *name*, and the service principal it asks for is
// postgres/<that name> (kerberosServerName "postgres" + "@" + host, a host-based service name). So
// the name must resolve; -Djdk.net.hosts.file (JDK 9+) points Java's resolver at a hosts-format file
// instead of /etc/hosts. The krb5.conf should have dns_canonicalize_hostname = false (JDK 17 reads
// it) so the name is used as given.
//
// Prints one line of JSON: {"ok":true,"current_user":…,"result":…,"gssenc":…} or
// {"ok":false,"sqlstate":…,"error":…}; exit status 0 on success, 1 on a refused login or query.
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

public class KerberosLogin {
    static String json(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static void usage() {
        System.err.println("usage: KerberosLogin --host NAME --port N --user ROLE [--dbname DB] [--ccache PATH]"
                + " [--gssenc disable|allow|prefer|require] [--query SQL] [--jaas-app NAME] [--service postgres]");
        System.exit(2);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("--dbname", "postgres");
        a.put("--gssenc", "disable");
        a.put("--query", "SELECT 1");
        a.put("--jaas-app", "borealis-kerberos");
        a.put("--service", "postgres");
        a.put("--ccache", null);
        for (int i = 0; i < argv.length; i += 2) {
            if (i + 1 >= argv.length || !argv[i].startsWith("--")) usage();
            a.put(argv[i], argv[i + 1]);
        }
        for (String required : new String[] {"--host", "--port", "--user"}) {
            if (a.get(required) == null) usage();
        }
        String ccache = a.get("--ccache");
        if (ccache == null) {
            String env = System.getenv("KRB5CCNAME");
            if (env != null) ccache = env.startsWith("FILE:") ? env.substring(5) : env;
        }

        // The JAAS configuration: the ticket cache only, never a prompt or a keytab.
        File jaas = File.createTempFile("jaas-", ".conf");
        jaas.deleteOnExit();
        String entry = a.get("--jaas-app") + " {\n"
                + "  com.sun.security.auth.module.Krb5LoginModule required\n"
                + "    useTicketCache=true\n"
                + "    doNotPrompt=true\n"
                + "    useKeyTab=false\n"
                + "    storeKey=false\n"
                + (ccache != null ? "    ticketCache=\"" + ccache.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n" : "")
                + "    ;\n};\n";
        Files.write(jaas.toPath(), entry.getBytes(StandardCharsets.UTF_8));
        System.setProperty("java.security.auth.login.config", jaas.getAbsolutePath());

        Properties p = new Properties();
        p.setProperty("user", a.get("--user"));
        p.setProperty("gsslib", "gssapi");
        p.setProperty("jaasLogin", "true");
        p.setProperty("jaasApplicationName", a.get("--jaas-app"));
        p.setProperty("kerberosServerName", a.get("--service"));
        p.setProperty("gssEncMode", a.get("--gssenc"));
        p.setProperty("sslmode", "disable");
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "30");
        p.setProperty("ApplicationName", "KerberosLogin");
        String url = "jdbc:postgresql://" + a.get("--host") + ":" + a.get("--port") + "/" + a.get("--dbname");

        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement()) {
            String user;
            try (ResultSet rs = st.executeQuery("SELECT current_user")) {
                rs.next();
                user = rs.getString(1);
            }
            String result;
            try (ResultSet rs = st.executeQuery(a.get("--query"))) {
                StringBuilder row = new StringBuilder();
                if (rs.next()) {
                    int n = rs.getMetaData().getColumnCount();
                    for (int i = 1; i <= n; i++) {
                        if (i > 1) row.append('|');
                        row.append(rs.getString(i));
                    }
                }
                result = row.toString();
            }
            // pgjdbc wraps the stream in GSSInputStream/GSSOutputStream once gssenc is set up.
            Boolean gssenc = gssEncrypted(c);
            System.out.println("{\"ok\":true,\"current_user\":" + json(user) + ",\"result\":" + json(result)
                    + ",\"gssenc\":" + gssenc + "}");
        } catch (SQLException e) {
            StringBuilder msg = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) msg.append(" / caused by: ").append(t);
            System.out.println("{\"ok\":false,\"sqlstate\":" + json(e.getSQLState()) + ",\"error\":" + json(msg.toString()) + "}");
            System.exit(1);
        }
    }

    // Whether pgjdbc set up GSS encryption: PGStream.isGssEncrypted() on the connection's stream
    // (QueryExecutorBase.pgStream; no public API reaches it, so by reflection). null if unknown.
    static Boolean gssEncrypted(Connection c) {
        try {
            Object qe = c.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
            java.lang.reflect.Field f = null;
            for (Class<?> k = qe.getClass(); k != null && f == null; k = k.getSuperclass()) {
                try { f = k.getDeclaredField("pgStream"); } catch (NoSuchFieldException ignored) { }
            }
            if (f == null) return null;
            f.setAccessible(true);
            return ((org.postgresql.core.PGStream) f.get(qe)).isGssEncrypted();
        } catch (ReflectiveOperationException | SQLException | RuntimeException e) {
            return null;
        }
    }
}
