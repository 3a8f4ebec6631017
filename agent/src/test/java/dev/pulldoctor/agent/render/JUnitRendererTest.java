package dev.pulldoctor.agent.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Summary;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The JUnit XML parses with the JDK's DOM parser and counts what the report summary counts. */
class JUnitRendererTest {

  @Test
  void abctl_example_counts_match_the_summary() throws Exception {
    Report report = Reports.example("abctl-missing-pull-secret");
    Element root = parse(new JUnitRenderer().render(report));

    Summary summary = report.summary();
    assertThat(root.getTagName()).isEqualTo("testsuites");
    assertThat(root.getAttribute("tests")).isEqualTo(Integer.toString(report.results().size()));
    assertThat(root.getAttribute("failures")).isEqualTo(Integer.toString(summary.fail()));
    assertThat(root.getAttribute("errors")).isEqualTo(Integer.toString(summary.error()));
    assertThat(root.getAttribute("skipped")).isEqualTo(Integer.toString(summary.skip()));
    assertThat(elements(root, "testcase")).hasSize(report.results().size());
    assertThat(elements(root, "failure")).hasSize(summary.fail());
    assertThat(elements(root, "error")).hasSize(summary.error());
    assertThat(elements(root, "skipped")).hasSize(summary.skip());

    List<String> suites = new ArrayList<>();
    int tests = 0;
    for (Element suite : elements(root, "testsuite")) {
      suites.add(suite.getAttribute("name"));
      tests += Integer.parseInt(suite.getAttribute("tests"));
      assertThat(elements(suite, "testcase"))
          .hasSize(Integer.parseInt(suite.getAttribute("tests")));
      assertThat(elements(suite, "failure"))
          .hasSize(Integer.parseInt(suite.getAttribute("failures")));
    }
    assertThat(tests).isEqualTo(report.results().size());
    assertThat(suites).doesNotHaveDuplicates().contains("pullsecret.exists", "image.reference");

    Element failure = elements(root, "failure").get(0);
    Element testcase = (Element) failure.getParentNode();
    assertThat(testcase.getAttribute("name")).startsWith(testcase.getAttribute("classname") + " ");
    assertThat(elements(root, "failure"))
        .anyMatch(
            f -> f.getTextContent().contains("kubectl create secret docker-registry ghcr-creds"));
  }

  @Test
  void hostile_text_is_escaped_and_illegal_characters_removed() throws Exception {
    Report report = Reports.hostile();
    String xml = new JUnitRenderer().render(report);
    Element root = parse(xml);

    assertThat(xml).doesNotContain("\u0000").doesNotContain("\u001b").doesNotContain("\ud800");
    assertThat(root.getAttribute("tests")).isEqualTo("5");
    assertThat(root.getAttribute("failures")).isEqualTo("1");
    assertThat(root.getAttribute("errors")).isEqualTo("1");
    assertThat(root.getAttribute("skipped")).isEqualTo("1");
    Element failure = elements(root, "failure").get(0);
    assertThat(failure.getAttribute("message"))
        .startsWith("fail: x | y `code` <img src=x onerror=alert(1)>")
        .contains("\\u0000\\u001b[31m\\u0007");
    assertThat(failure.getTextContent())
        .contains("Fix:\nCreate the secret x | y")
        .contains("\nkubectl create secret docker-registry 'x | y");
    Element testcase = (Element) failure.getParentNode();
    assertThat(testcase.getAttribute("name"))
        .startsWith("pullsecret.exists airbyte/Secret/regcredx | y `code` <img");
    assertThat(elements(root, "system-out").get(0).getTextContent())
        .startsWith("WARN: warn: x | y");
    assertThat(elements(root, "skipped").get(0).getAttribute("message")).startsWith("skip: x");
  }

  @Test
  void only_characters_xml_forbids_are_touched() {
    assertThat(JUnitRenderer.safe("ok é 😀 \t")).isEqualTo("ok é 😀 \\u0009");
    // A lone surrogate is shown escaped, like every invisible character; U+FFFF is dropped.
    assertThat(JUnitRenderer.safe("a\ud800b\uffffc")).isEqualTo("a\\ud800bc");
  }

  private static Element parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document =
        factory
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    return document.getDocumentElement();
  }

  private static List<Element> elements(Element root, String tag) {
    NodeList list = root.getElementsByTagName(tag);
    List<Element> elements = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      elements.add((Element) list.item(i));
    }
    return elements;
  }
}
