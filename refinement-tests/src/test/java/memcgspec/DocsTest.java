package memcgspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import memcgspec.registry.ConformRunner;
import memcgspec.protocol.Protocol;
import memcgspec.registry.Protocols;
import memcgspec.tla.Catalogue;
import memcgspec.tla.CatalogueEntry;
import memcgspec.tla.SpecRoot;
import memcgspec.tla.StateGraph;
import memcgspec.tla.TlcMemo;
import memcgspec.tla.TlcRunner;
import memcgspec.tla.Counterexamples;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * docs/ stays current: every generated block (a counterexample rendered by `memcg-spec show`) is
 * what the tools render today, and every protocol page's mapping table names every action of its
 * spec. Run with -Dmemcgspec.updateDocs=true to rewrite the generated blocks.
 */
class DocsTest {
    private static final Pattern BLOCK = Pattern.compile(
            "(<!-- BEGIN GENERATED: show ([a-z0-9-]+) -->\n)(.*?)(<!-- END GENERATED -->)", Pattern.DOTALL);

    private static Path docsDir() {
        return SpecRoot.root().resolve("docs");
    }

    static String render(CatalogueEntry m) {
        Counterexamples.Rendered r = Counterexamples.show(m, SpecRoot.specDir(), new TlcRunner().withMemo(TlcMemo.forBuild()),
                TlcRunner.Options.defaults(), line -> {});
        assertNotNull(r.trace(), "model " + m.name() + " has no counterexample: " + r.result().outcome());
        return "```text\n" + r.text() + "```\n";
    }

    @TestFactory
    Stream<DynamicTest> generatedBlocksAreCurrent() throws IOException {
        boolean update = Boolean.getBoolean("memcgspec.updateDocs");
        Catalogue cat = Catalogue.load(SpecRoot.specDir());
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(docsDir())) {
            for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                Matcher m = BLOCK.matcher(text);
                StringBuilder out = new StringBuilder();
                boolean any = false;
                while (m.find()) {
                    any = true;
                    String model = m.group(2);
                    String fresh = render(cat.byName(model));
                    // In update mode the file is rewritten below, so the block counts as current.
                    String current = update ? fresh : m.group(3);
                    m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + fresh + m.group(4)));
                    tests.add(DynamicTest.dynamicTest(f.getFileName() + ": show " + model, () ->
                            assertEquals(fresh, current, f + ": the generated block for 'show " + model
                                    + "' is stale; run ./mvnw -pl refinement-tests -am verify -Dtest=DocsTest "
                                    + "-Dsurefire.failIfNoSpecifiedTests=false -Dmemcgspec.updateDocs=true")));
                }
                m.appendTail(out);
                if (any && update && !out.toString().equals(text)) Files.writeString(f, out.toString(), StandardCharsets.UTF_8);
            }
        }
        assertFalse(tests.isEmpty(), "no generated block in docs/");
        return tests.stream();
    }

    /** docs/<module>.md of each conformance model names every action of the spec in its table. */
    @Test
    void everyConformanceSpecHasADocsPageNamingEachAction() throws IOException {
        for (CatalogueEntry m : ConformRunner.conformanceModels(Catalogue.load(SpecRoot.specDir()))) {
            Protocol protocol = Protocols.forModule(m.moduleName()).orElseThrow();
            Path page = docsDir().resolve(protocol.docsPage());
            assertTrue(Files.isRegularFile(page), "missing docs page " + page);
            String text = Files.readString(page, StandardCharsets.UTF_8);
            try (StateGraph g = StateGraph.open(m.moduleFile(SpecRoot.specDir()).getParent(), m.moduleName(),
                    m.cfgFile(SpecRoot.specDir()))) {
                List<String> classes = protocol.stepClasses().stream().map(Class::getSimpleName).toList();
                for (String action : g.actionNames()) {
                    assertTrue(text.contains("| `" + action + "("), page + " has no table row for action " + action);
                    assertTrue(classes.stream().anyMatch(k -> text.contains("`" + k + "." + action + "(")),
                            page + " does not name the Java method " + classes + "." + action);
                }
            }
        }
    }
}
