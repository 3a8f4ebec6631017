package dev.pulldoctor.rules;

import dev.pulldoctor.rules.engine.Rule;
import dev.pulldoctor.rules.engine.RuleInfo;
import java.util.List;

/** Renders the rule catalog ({@code docs/rules.md}) from the rules' own metadata. */
public final class RuleCatalog {
  private RuleCatalog() {}

  public static String markdown(List<Rule> rules) {
    StringBuilder out = new StringBuilder();
    out.append("<!-- Generated from the rule metadata by RuleCatalog; do not edit by hand.\n")
        .append(
            "     Regenerate: mvn -pl rules test -Dtest=RuleCatalogTest"
                + " -Dpulldoctor.updateDocs=true -->\n\n")
        .append("# pulldoctor rules\n\n")
        .append("| id | severity | checks |\n|---|---|---|\n");
    for (Rule rule : rules) {
      RuleInfo info = rule.info();
      out.append("| [`")
          .append(info.id())
          .append("`](#")
          .append(info.id().replace(".", ""))
          .append(") | ")
          .append(info.severity().word())
          .append(" | ")
          .append(info.title())
          .append(" |\n");
    }
    for (Rule rule : rules) {
      RuleInfo info = rule.info();
      out.append("\n## ").append(info.id()).append("\n\n");
      out.append("**")
          .append(info.title())
          .append("** · severity `")
          .append(info.severity().word())
          .append("`\n\n");
      out.append(info.explanation()).append("\n\n");
      out.append("**Fix.** ").append(info.remediation()).append("\n\n");
      out.append("Sources:\n");
      info.references().forEach(r -> out.append("- ").append(r).append('\n'));
    }
    return out.toString();
  }
}
