package dev.pulldoctor.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Report;
import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

/**
 * The Markdown report, read back by a real CommonMark + GFM parser: cluster text stays text, and
 * the structure is the one the renderer wrote.
 */
class MarkdownRendererTest {
  private static final Parser PARSER =
      Parser.builder()
          .extensions(List.of(TablesExtension.create(), StrikethroughExtension.create()))
          .build();

  @Test
  void hostile_cluster_text_cannot_add_markup() throws Exception {
    String markdown = new MarkdownRenderer().render(Reports.hostile());
    Node document = PARSER.parse(markdown);

    assertThat(nodes(document, Image.class)).isEmpty();
    assertThat(nodes(document, Link.class)).isEmpty();
    assertThat(nodes(document, HtmlInline.class)).allMatch(h -> h.getLiteral().equals("<br>"));
    assertThat(nodes(document, HtmlBlock.class)).isEmpty();
    assertThat(nodes(document, Emphasis.class)).isEmpty();
    assertThat(nodes(document, Strikethrough.class)).isEmpty();
    assertThat(nodes(document, BlockQuote.class)).isEmpty();
    assertThat(nodes(document, IndentedCodeBlock.class)).isEmpty();
    assertThat(nodes(document, StrongEmphasis.class))
        .map(MarkdownRendererTest::text)
        .allMatch(t -> List.of("FAIL", "Object:", "Image:", "Severity:", "Fix:").contains(t));
    assertThat(nodes(document, Heading.class))
        .map(MarkdownRendererTest::text)
        .containsExactly(
            "pulldoctor report",
            "Problems",
            "1. FAIL pullsecret.exists: Every pull secret named for job pods exists in the job"
                + " namespace",
            "2. ERROR pullsecret.format: Pull secrets have the type, key and JSON shape the kubelet"
                + " reads",
            "3. WARN pullsecret.registry-match: A pull secret of the job pod matches the image's"
                + " registry by the kubelet's rules",
            "Passed and skipped checks",
            "Environment");
    // Only the renderer's own lists: the three facts of each problem.
    assertThat(nodes(document, BulletList.class)).hasSize(3);
    // The cluster's text survives as literal text, control characters made visible.
    String text =
        String.join("", nodes(document, Text.class).stream().map(Text::getLiteral).toList());
    assertThat(text)
        .contains("x | y ")
        .contains("<img src=x onerror=alert(1)>")
        .contains("*bold* _em_ [link](https://evil.example)")
        .contains("&amp; ~~del~~")
        .contains("\\u0000\\u001b[31m\\u0007")
        .doesNotContain("\u001b");
  }

  @Test
  void fixes_are_code_blocks_that_cluster_backticks_cannot_close() throws Exception {
    Node document = PARSER.parse(new MarkdownRenderer().render(Reports.hostile()));

    List<FencedCodeBlock> blocks = nodes(document, FencedCodeBlock.class);
    // The two structured fixes; the text-only remediation is a paragraph.
    assertThat(blocks).hasSize(2);
    assertThat(blocks.get(0).getInfo()).isEqualTo("sh");
    assertThat(blocks.get(0).getLiteral())
        .startsWith("kubectl create secret docker-registry 'x | y `code`")
        .contains("\n```\nfence\n````\\u0000")
        .endsWith(" end'\n");
    assertThat(blocks.get(0).getFenceCharacter()).isEqualTo("`");
    assertThat(blocks.get(0).getOpeningFenceLength()).isEqualTo(5);
  }

  @Test
  void table_cells_keep_their_columns() throws Exception {
    Node document = PARSER.parse(new MarkdownRenderer().render(Reports.hostile()));

    List<TableRow> rows = nodes(document, TableRow.class);
    assertThat(rows).isNotEmpty();
    for (TableRow row : rows) {
      List<TableCell> cells = nodes(row, TableCell.class);
      assertThat(cells).hasSizeBetween(2, 5);
    }
    TableRow pass = rows.stream().filter(r -> text(r).startsWith("pass")).findFirst().orElseThrow();
    assertThat(nodes(pass, TableCell.class)).hasSize(4);
    assertThat(text(nodes(pass, TableCell.class).get(3))).startsWith("pass: x | y `code` <img");
    assertThat(nodes(pass, Code.class)).map(Code::getLiteral).containsExactly("image.reference");
  }

  @Test
  void abctl_example_leads_with_the_failure_and_its_command() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");
    String markdown = new MarkdownRenderer().render(report);

    assertThat(markdown)
        .startsWith("# pulldoctor report\n\n**FAIL**: ")
        .contains("| fail | error | warn | pass | skip |")
        .contains(
            "| "
                + report.summary().fail()
                + " | "
                + report.summary().error()
                + " | "
                + report.summary().warn()
                + " | "
                + report.summary().pass()
                + " | "
                + report.summary().skip()
                + " |")
        .contains("### 1. FAIL `");
    Node document = PARSER.parse(markdown);
    assertThat(nodes(document, FencedCodeBlock.class))
        .map(FencedCodeBlock::getLiteral)
        .anyMatch(c -> c.contains("kubectl create secret docker-registry ghcr-creds"));
    assertThat(markdown.indexOf("## Problems"))
        .isLessThan(markdown.indexOf("## Passed and skipped checks"))
        .isLessThan(markdown.indexOf("## Environment"));
    assertThat(markdown)
        .contains("| Airbyte version | 2.0.1 |")
        .contains("| Job launcher | deployment/airbyte-abctl-workload-launcher |")
        .contains("| Job namespace | airbyte-abctl |")
        .contains("| Job service account | airbyte-admin |")
        .contains("| Job pull secrets | 'ghcr-creds' |")
        .contains("ghcr.io/acme-data/source-orders:0.3.1");
  }

  @Test
  void healthy_example_says_so_in_one_line() throws Exception {
    String markdown = new MarkdownRenderer().render(Reports.example("healthy-private-registry"));

    assertThat(markdown).contains("**PASS**: no problem found; ").doesNotContain("## Problems");
  }

  @Test
  void fence_is_longer_than_any_backtick_run() {
    assertThat(Markdown.codeBlock("", "a ``` b ```` c"))
        .startsWith("`````\n")
        .endsWith("\n`````\n");
    assertThat(Markdown.codeBlock("sh", "plain")).isEqualTo("```sh\nplain\n```\n");
  }

  private static <T extends Node> List<T> nodes(Node root, Class<T> type) {
    List<T> found = new ArrayList<>();
    collect(root, type, found);
    return found;
  }

  private static <T extends Node> void collect(Node node, Class<T> type, List<T> found) {
    if (type.isInstance(node)) {
      found.add(type.cast(node));
    }
    for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
      collect(child, type, found);
    }
  }

  /** The text and code-span literals under {@code node}, in document order. */
  private static String text(Node node) {
    if (node instanceof Text t) {
      return t.getLiteral();
    }
    if (node instanceof Code c) {
      return c.getLiteral();
    }
    StringBuilder text = new StringBuilder();
    for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
      text.append(text(child));
    }
    return text.toString();
  }
}
