package memcgspec.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing and checking the TLA+ tools jar a forked TLC runs from (no TLC is run). */
class TlaToolsTest {

    /** The pinned jar, as a user would name it: the jar holding tlc2.TLC on this classpath. */
    static Path pinnedJar() throws Exception {
        return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** The first bytes of a class file of the given major version (52 = Java 8), then {@code rest}. */
    static byte[] classFile(int major, byte[] rest) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, (byte) (major >>> 8), (byte) major});
        b.writeBytes(rest);
        return b.toByteArray();
    }

    /** A CONSTANT_Utf8 entry as it sits in a class file's constant pool. */
    static byte[] utf8Constant(String s) {
        byte[] t = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 3];
        out[0] = 1;
        out[1] = (byte) (t.length >>> 8);
        out[2] = (byte) t.length;
        System.arraycopy(t, 0, out, 3, t.length);
        return out;
    }

    static Path jar(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static String error(Runnable r) {
        UserError e = assertThrows(UserError.class, r::run);
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void theOptionWinsOverTheEnvironmentVariableWhichWinsOverThePinnedJar(@TempDir Path dir) throws Exception {
        String pinned = pinnedJar().toString();
        Map<String, String> env = Map.of(TlaTools.ENV, dir.resolve("nope.jar").toString());
        // The option is used, and the variable's (missing) file is never looked at.
        TlaTools fromOption = TlaTools.resolve(pinned, env::get);
        assertEquals("--tla2tools", fromOption.source());
        assertEquals(pinnedJar().toAbsolutePath().normalize(), fromOption.jar());
        // Without the option the variable is used: here it names a missing file, which is bad input naming the variable.
        String e = error(() -> TlaTools.resolve(null, env::get));
        assertTrue(e.startsWith(TlaTools.ENV + "=") && e.endsWith("no such file"), e);
        assertEquals(TlaTools.ENV, TlaTools.resolve(null, Map.of(TlaTools.ENV, " " + pinned + " ")::get).source());
        // Neither: the pinned tools. A blank variable counts as unset.
        assertTrue(TlaTools.resolve(null, Map.<String, String>of()::get).isPinned());
        assertEquals(TlaTools.PINNED, TlaTools.resolve(null, Map.of(TlaTools.ENV, "  ")::get).source());
    }

    @Test
    void thePinnedJarNamedByTheUserIsThePinnedJar() throws Exception {
        TlaTools t = TlaTools.of(pinnedJar().toString(), "--tla2tools");
        assertTrue(t.isPinned());
        assertEquals(Set.of(), t.flags(), "TLC 2.18 gets no flag it does not know");
        assertEquals(TlaTools.pinned().jar(), t.jar());
        assertEquals("TLC2 Version 2.18 of 20 March 2023", TlaTools.pinnedVersion());
        assertTrue(TlaTools.isPinnedVersion("TLC2 Version 2.18 of 20 March 2023"));
        assertFalse(TlaTools.isPinnedVersion("TLC2 Version 2.19 of 08 August 2024 (rev: 5a47802)"));
        assertFalse(TlaTools.isPinnedVersion(null));
    }

    @Test
    void badJarsAreOneLineUserErrors(@TempDir Path dir) throws Exception {
        assertEquals("--tla2tools " + dir.resolve("missing.jar") + ": no such file",
                error(() -> TlaTools.of(dir.resolve("missing.jar").toString(), "--tla2tools")));
        assertTrue(error(() -> TlaTools.of(dir.toString(), "--tla2tools")).endsWith("not a file (give the path of a tla2tools.jar)"));
        assertTrue(error(() -> TlaTools.of("", "--tla2tools")).contains("empty path"));
        Path text = Files.writeString(dir.resolve("tla2tools.jar"), "not a zip\n");
        assertTrue(error(() -> TlaTools.of(text.toString(), "--tla2tools")).contains(": not a jar file ("));
        Path other = jar(dir.resolve("other.jar"), Map.of("a/B.class", classFile(52, new byte[0])));
        assertTrue(error(() -> TlaTools.of(other.toString(), "--tla2tools")).endsWith("not a TLA+ tools jar (no tlc2/TLC.class inside)"));
        Path junk = jar(dir.resolve("junk.jar"), Map.of("tlc2/TLC.class", "junk".getBytes(StandardCharsets.UTF_8)));
        assertTrue(error(() -> TlaTools.of(junk.toString(), "--tla2tools")).endsWith("(tlc2/TLC.class is not a class file)"));
        Path future = jar(dir.resolve("future.jar"), Map.of("tlc2/TLC.class", classFile(255, new byte[0])));
        String e = error(() -> TlaTools.of(future.toString(), TlaTools.ENV));
        assertTrue(e.startsWith(TlaTools.ENV + "=" + future) && e.contains("needs Java 211 or newer"), e);
    }

    @Test
    void aNewerTlcGetsTheFlagsItsJarNames(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream pool = new ByteArrayOutputStream();
        pool.writeBytes(utf8Constant("-noGenerateSpecTE"));
        pool.writeBytes(utf8Constant("-noGenerateSpecTEBin"));
        Path j = jar(dir.resolve("tla2tools.jar"), Map.of(
                "tlc2/TLC.class", classFile(55, pool.toByteArray()),
                "tlc2/TLCGlobals.class", classFile(55, utf8Constant("-teSpecOutDir")),
                // Not TLC's own classes: their constants do not count.
                "tlc2/tool/Other.class", classFile(55, utf8Constant("-somethingElse"))));
        TlaTools t = TlaTools.of(j.toString(), "--tla2tools");
        assertFalse(t.isPinned());
        assertEquals(Set.of("-noGenerateSpecTE", "-teSpecOutDir"), t.flags());
        // A longer constant that merely starts with a flag is not the flag.
        Path longer = jar(dir.resolve("longer.jar"), Map.of("tlc2/TLC.class", classFile(55, utf8Constant("-noGenerateSpecTEBin"))));
        assertEquals(Set.of(), TlaTools.of(longer.toString(), "--tla2tools").flags());
    }
}
