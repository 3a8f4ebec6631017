package dev.pulldoctor.agent.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pulldoctor.rules.engine.Report;
import java.io.UncheckedIOException;

/** {@code -o yaml}: the same tree as JSON. */
public final class YamlRenderer implements ReportRenderer {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .build();

  @Override
  public String render(Report report) {
    try {
      return MAPPER.writeValueAsString(ReportTree.of(report));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
