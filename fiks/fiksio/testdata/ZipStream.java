import java.io.FileInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

// Reads an ASiC-E container as KS's Java clients do (java.util.zip.ZipInputStream,
// entry by entry, no central directory) and prints each entry's name, method, size and
// SHA-256. Used by asice_test.go: `java testdata/ZipStream.java FILE`.
public class ZipStream {
    public static void main(String[] args) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new FileInputStream(args[0]))) {
            byte[] buf = new byte[65536];
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                long n = 0;
                for (int r; (r = in.read(buf)) > 0; ) { md.update(buf, 0, r); n += r; }
                String method = e.getMethod() == ZipEntry.STORED ? "stored" : "deflated";
                System.out.println(e.getName() + " " + method + " " + n + " " + HexFormat.of().formatHex(md.digest()));
            }
        }
    }
}
