package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.fix.Commands;
import dev.pulldoctor.rules.fix.Fix;
import dev.pulldoctor.rules.fix.Step;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A fix as blocks a renderer lays out: prose on its own, commands on their own, so a block copied
 * from the Markdown or HTML report is a script a shell can run ({@code sh}) or a values file
 * ({@code yaml}), never a mix of the two.
 */
public final class FixBlocks {

  /**
   * One block: text to read and, when there is one, code to copy.
   *
   * @param prose what to do and why; never empty
   * @param language {@code sh} or {@code yaml}; null when the block is prose only
   * @param code the commands or values; null when the block is prose only
   */
  public record Block(String prose, @Nullable String language, @Nullable String code) {}

  private FixBlocks() {}

  /** The fix's blocks, then each alternative's, its prose introduced by "Or". */
  public static List<Block> of(Fix fix) {
    List<Block> blocks = new ArrayList<>();
    new Builder(blocks, fix.reason()).add(fix.steps());
    for (Fix alternative : fix.alternatives()) {
      new Builder(blocks, "Or " + alternative.reason()).add(alternative.steps());
    }
    return blocks;
  }

  /** Collects commands under the prose that introduces them; new prose starts a new block. */
  private static final class Builder {
    private final List<Block> blocks;
    private final List<String> script = new ArrayList<>();
    private String prose;

    Builder(List<Block> blocks, String prose) {
      this.blocks = blocks;
      this.prose = prose;
    }

    void add(List<Step> steps) {
      Step previous = null;
      for (Step step : steps) {
        if (step instanceof Step.Manual manual) {
          manual(manual);
        } else if (step instanceof Step.SetHelmValues values) {
          String lead =
              previous instanceof Step.SetEnv
                  ? "Then make it last (a Helm upgrade" + " overwrites 'kubectl set env')"
                  : "";
          if (values.note() != null) {
            lead = lead.isEmpty() ? values.note() : lead + "; " + values.note();
          }
          if (values.abctl()) {
            introduce(
                (lead.isEmpty() ? "" : lead + ". ")
                    + "Add to your abctl values file"
                    + " (values.yaml):");
            blocks.add(
                new Block(prose, "yaml", Commands.valuesYaml(values.values()).stripTrailing()));
            prose = "Then run:";
            script.add("abctl local install --values values.yaml");
          } else {
            if (!lead.isEmpty()) {
              introduce(lead + ":");
            }
            script.add(Commands.render(values));
          }
        } else {
          script.add(Commands.render(step));
        }
        previous = step;
      }
      flush();
      finish();
    }

    private void manual(Step.Manual manual) {
      String command = manual.command();
      if (!manual.text().isEmpty()) {
        introduce(manual.text());
      }
      if (command != null) {
        script.add(command);
      }
    }

    /** Ends the block so far and starts one under {@code text}. */
    private void introduce(String text) {
      flush();
      prose = prose.isEmpty() ? text : prose + " " + text;
    }

    private void flush() {
      if (script.isEmpty()) {
        return;
      }
      blocks.add(new Block(prose.isEmpty() ? "Then:" : prose, "sh", String.join("\n", script)));
      script.clear();
      prose = "";
    }

    /** Prose left without commands after the last block. */
    private void finish() {
      if (!prose.isEmpty()) {
        blocks.add(new Block(prose, null, null));
        prose = "";
      }
    }
  }
}
