package io.ysync.cli;

import io.ysync.crdt.Doc;
import io.ysync.crdt.YDelta;
import io.ysync.crdt.YText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ysync doc delta --root NAME FILE...}: {@code Y.Text#toDelta()} of a text root as JSON. */
@Command(name = "delta", mixinStandardHelpOptions = true,
    description = "Print the delta of a text root: [{\"insert\": ..., \"attributes\"?: {...}}, ...].")
public final class DeltaCommand implements Callable<Integer> {
  @ParentCommand
  private DocCommand parent;

  @Mixin
  private DocInputOptions input;

  @Option(names = "--root", required = true, paramLabel = "NAME", description = "Name of the Y.Text root.")
  private String root;

  /** Prints the delta. */
  @Override
  public Integer call() {
    Doc doc = input.load(Map.of(root, YText.class));
    JsJson.write(parent.out(), toJson(doc.getText(root).toDelta()));
    return ExitCodes.OK;
  }

  /** Delta ops as JSON objects, keys in Yjs's order ({@code insert}/{@code retain}/{@code delete}, attributes). */
  static List<Map<String, Object>> toJson(List<YDelta> delta) {
    List<Map<String, Object>> ops = new ArrayList<>(delta.size());
    for (YDelta d : delta) {
      Map<String, Object> op = new LinkedHashMap<>();
      if (d.insert() != null) {
        op.put("insert", d.insert());
      } else if (d.retain() > 0) {
        op.put("retain", d.retain());
      } else {
        op.put("delete", d.delete());
      }
      if (d.attributes() != null) {
        op.put("attributes", d.attributes());
      }
      ops.add(op);
    }
    return ops;
  }
}
