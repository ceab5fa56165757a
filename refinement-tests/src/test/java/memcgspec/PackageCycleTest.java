package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import memcgspec.tla.SpecRoot;
import org.junit.jupiter.api.Test;

/**
 * The Java packages of impl/, refinement-tests/ and cli/ (main sources) import one another without
 * a cycle: engines below protocols, protocols below the registry, impl below everything.
 */
class PackageCycleTest {
    private static final Pattern PACKAGE = Pattern.compile("^package (memcgspec[\\w.]*);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(memcgspec[\\w.]*)\\.[A-Z]\\w*[\\w.*]*;", Pattern.MULTILINE);

    /** package -> the memcgspec packages its main sources import. */
    static Map<String, Set<String>> imports() {
        Path root = SpecRoot.specDir().getParent();
        Map<String, Set<String>> g = new TreeMap<>();
        for (String module : List.of("impl", "refinement-tests", "cli")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                    String text;
                    try {
                        text = Files.readString(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    Matcher p = PACKAGE.matcher(text);
                    if (!p.find()) return;
                    Set<String> out = g.computeIfAbsent(p.group(1), k -> new TreeSet<>());
                    Matcher i = IMPORT.matcher(text);
                    while (i.find()) if (!i.group(1).equals(p.group(1))) out.add(i.group(1));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return g;
    }

    /** A cycle through {@code from}, as a path, or null. */
    private static List<String> cycle(Map<String, Set<String>> g, String from, String at, List<String> path, Set<String> seen) {
        for (String next : g.getOrDefault(at, Set.of())) {
            if (next.equals(from)) {
                List<String> c = new ArrayList<>(path);
                c.add(next);
                return c;
            }
            if (seen.add(next)) {
                path.add(next);
                List<String> c = cycle(g, from, next, path, seen);
                if (c != null) return c;
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    @Test
    void noPackageImportsItselfThroughAnother() {
        Map<String, Set<String>> g = imports();
        assertTrue(g.containsKey("memcgspec.impl.swap") && g.containsKey("memcgspec.registry"), "packages found: " + g.keySet());
        for (String p : g.keySet()) {
            List<String> path = new ArrayList<>(List.of(p));
            assertEquals(null, cycle(g, p, p, path, new TreeSet<>()), "package cycle");
        }
    }

    @Test
    void theCheckSeesACycle() {
        Map<String, Set<String>> g = new TreeMap<>(imports());
        g.put("memcgspec.trace", Set.of("memcgspec.tla"));  // trace -> tla -> trace
        List<String> path = new ArrayList<>(List.of("memcgspec.tla"));
        assertEquals(List.of("memcgspec.tla", "memcgspec.trace", "memcgspec.tla"), cycle(g, "memcgspec.tla", "memcgspec.tla", path, new TreeSet<>()));
    }
}
