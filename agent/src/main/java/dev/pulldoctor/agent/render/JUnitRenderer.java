package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.Report;
import dev.pulldoctor.rules.engine.Result;
import dev.pulldoctor.rules.engine.Status;
import dev.pulldoctor.rules.engine.Summary;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code -o junit}: JUnit XML for CI test reports. One {@code testsuite} per rule, one {@code
 * testcase} per result: {@code fail} is a failure (its fix in the body), {@code error} an error,
 * {@code skip} skipped, {@code warn} a pass whose message is in {@code system-out}, or a failure of
 * type {@code warning} under {@code --fail-on warn}: the XML fails exactly when the exit code does.
 *
 * <p>The JDK's stream writer does the XML escaping; characters that XML 1.0 cannot carry at all
 * (control characters, lone surrogates) are taken out of cluster text first, or the file would not
 * parse.
 */
public final class JUnitRenderer implements ReportRenderer {
  private static final XMLOutputFactory FACTORY = XMLOutputFactory.newFactory();

  private final boolean warnFails;

  /** Fails on fails only, the default of {@code --fail-on}. */
  public JUnitRenderer() {
    this(Status.FAIL);
  }

  /**
   * @param failOn the lowest status that fails the run ({@code --fail-on}): at {@code WARN},
   *     warnings are failures
   */
  public JUnitRenderer(Status failOn) {
    this.warnFails = Status.WARN.isAtLeast(failOn);
  }

  @Override
  public String render(Report report) {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter xml = FACTORY.createXMLStreamWriter(text);
      xml.writeStartDocument("UTF-8", "1.0");
      xml.writeCharacters("\n");
      xml.writeStartElement("testsuites");
      xml.writeAttribute("name", "pulldoctor");
      counts(xml, report.summary());
      for (Map.Entry<String, List<Result>> suite : byRule(report).entrySet()) {
        suite(xml, report, suite.getKey(), suite.getValue());
      }
      xml.writeCharacters("\n");
      xml.writeEndElement();
      xml.writeEndDocument();
      xml.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write JUnit XML", e);
    }
    return text + "\n";
  }

  private static Map<String, List<Result>> byRule(Report report) {
    Map<String, List<Result>> suites = new LinkedHashMap<>();
    for (Result result : report.results()) {
      suites.computeIfAbsent(result.rule(), k -> new ArrayList<>()).add(result);
    }
    return suites;
  }

  private void suite(XMLStreamWriter xml, Report report, String rule, List<Result> results)
      throws XMLStreamException {
    xml.writeCharacters("\n  ");
    xml.writeStartElement("testsuite");
    xml.writeAttribute("name", rule);
    counts(xml, Summary.of(results));
    xml.writeCharacters("\n    ");
    xml.writeStartElement("properties");
    property(xml, "generatedAt", report.generatedAt().toString());
    property(xml, "source", report.source().type().word());
    property(xml, "namespace", report.source().namespace());
    xml.writeCharacters("\n    ");
    xml.writeEndElement();
    for (Result result : results) {
      testcase(xml, result);
    }
    xml.writeCharacters("\n  ");
    xml.writeEndElement();
  }

  private void counts(XMLStreamWriter xml, Summary summary) throws XMLStreamException {
    int tests = summary.pass() + summary.warn() + summary.fail() + summary.skip() + summary.error();
    xml.writeAttribute("tests", Integer.toString(tests));
    int failures = summary.fail() + (warnFails ? summary.warn() : 0);
    xml.writeAttribute("failures", Integer.toString(failures));
    xml.writeAttribute("errors", Integer.toString(summary.error()));
    xml.writeAttribute("skipped", Integer.toString(summary.skip()));
  }

  private static void property(XMLStreamWriter xml, String name, String value)
      throws XMLStreamException {
    xml.writeCharacters("\n      ");
    xml.writeEmptyElement("property");
    xml.writeAttribute("name", name);
    xml.writeAttribute("value", attribute(value));
  }

  private void testcase(XMLStreamWriter xml, Result result) throws XMLStreamException {
    xml.writeCharacters("\n    ");
    if (result.status() == Status.PASS) {
      xml.writeEmptyElement("testcase");
    } else {
      xml.writeStartElement("testcase");
    }
    xml.writeAttribute("classname", result.rule());
    xml.writeAttribute("name", attribute(name(result)));
    String message = safe(result.message());
    String details =
        result.remediation() == null
            ? message
            : message + "\n\nFix:\n" + safe(result.remediation());
    switch (result.status()) {
      case FAIL -> outcome(xml, "failure", message, details, result.severity().word());
      case ERROR -> outcome(xml, "error", message, details, "check-could-not-run");
      case SKIP -> {
        xml.writeCharacters("\n      ");
        xml.writeEmptyElement("skipped");
        xml.writeAttribute("message", attribute(message));
      }
      case WARN -> {
        if (warnFails) {
          outcome(xml, "failure", message, details, "warning");
          break;
        }
        xml.writeCharacters("\n      ");
        xml.writeStartElement("system-out");
        xml.writeCharacters("WARN: " + details);
        xml.writeEndElement();
      }
      case PASS -> {
        return;
      }
    }
    xml.writeCharacters("\n    ");
    xml.writeEndElement();
  }

  private static void outcome(
      XMLStreamWriter xml, String element, String message, String details, String type)
      throws XMLStreamException {
    xml.writeCharacters("\n      ");
    xml.writeStartElement(element);
    xml.writeAttribute("message", attribute(message));
    xml.writeAttribute("type", type);
    xml.writeCharacters(details);
    xml.writeEndElement();
  }

  /** {@code <rule> <object>}, {@code <rule> <image>} or both, so that cases of a suite differ. */
  private static String name(Result result) {
    StringBuilder name = new StringBuilder(result.rule());
    if (result.subject() != null) {
      name.append(' ').append(SarifRenderer.fullyQualifiedName(result.subject()));
    }
    if (result.image() != null) {
      name.append(' ').append(result.image());
    }
    return name.toString();
  }

  /**
   * A parser turns a newline in an attribute into a space; doing it here keeps what is written
   * equal to what is read.
   */
  private static String attribute(String text) {
    return safe(text).replace('\n', ' ');
  }

  /**
   * Cluster text without the characters XML 1.0 forbids. Control characters become visible {@code
   * \\uXXXX} (as on the terminal), so that a name with one still reads differently from a name
   * without; lone surrogates and U+FFFE/U+FFFF are dropped.
   */
  static String safe(String text) {
    String visible = Text.terminalSafe(text, true);
    StringBuilder out = new StringBuilder(visible.length());
    for (int i = 0; i < visible.length(); ) {
      int c = visible.codePointAt(i);
      if (c == 0x9
          || c == 0xA
          || c == 0xD
          || (c >= 0x20 && c <= 0xD7FF)
          || (c >= 0xE000 && c <= 0xFFFD)
          || c >= 0x10000) {
        out.appendCodePoint(c);
      }
      i += Character.charCount(c);
    }
    return out.toString();
  }
}
