package dev.pulldoctor.agent.render;

import dev.pulldoctor.rules.engine.Status;

/**
 * How a report is rendered, beyond its format.
 *
 * @param color ANSI colours, for the table on a terminal
 * @param toolVersion pulldoctor's version, named by formats that describe the tool (SARIF)
 * @param width the column at which the table wraps its lines
 * @param showAll whether the table lists passes and skips one by one (otherwise they are folded
 *     into a count line per section)
 * @param failOn the lowest status that makes the run fail ({@code --fail-on}), which the formats
 *     that count failures (JUnit) count by
 * @param locations where the objects a result names came from (a manifest file and line, a bundle
 *     entry), for formats that point at files (SARIF)
 */
public record RenderOptions(
    boolean color,
    String toolVersion,
    int width,
    boolean showAll,
    Status failOn,
    SourceLocations locations) {
  /** The width of a table written to a pipe or file, where no terminal tells one. */
  public static final int DEFAULT_WIDTH = 100;

  /** The narrowest width honoured: below it, lines are wrapped at this width anyway. */
  public static final int MIN_WIDTH = 40;

  public RenderOptions {
    width = Math.max(MIN_WIDTH, width);
  }

  /** Plain text for a file or pipe, failing on fails, with no source locations. */
  public static RenderOptions plain(String toolVersion) {
    return new RenderOptions(
        false, toolVersion, DEFAULT_WIDTH, false, Status.FAIL, SourceLocations.NONE);
  }

  public RenderOptions withColor(boolean ansi) {
    return new RenderOptions(ansi, toolVersion, width, showAll, failOn, locations);
  }

  public RenderOptions withWidth(int columns) {
    return new RenderOptions(color, toolVersion, columns, showAll, failOn, locations);
  }

  public RenderOptions withShowAll(boolean all) {
    return new RenderOptions(color, toolVersion, width, all, failOn, locations);
  }

  public RenderOptions withFailOn(Status level) {
    return new RenderOptions(color, toolVersion, width, showAll, level, locations);
  }

  public RenderOptions withLocations(SourceLocations where) {
    return new RenderOptions(color, toolVersion, width, showAll, failOn, where);
  }
}
