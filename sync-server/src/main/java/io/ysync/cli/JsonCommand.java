package io.ysync.cli;

import io.ysync.crdt.AbstractType;
import io.ysync.crdt.Doc;
import io.ysync.crdt.YArray;
import io.ysync.crdt.YMap;
import io.ysync.crdt.YText;
import io.ysync.crdt.YXmlElement;
import io.ysync.crdt.YXmlFragment;
import io.ysync.crdt.YXmlText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ysync doc json --roots name=kind,... FILE...}: the JSON of the named root types.
 *
 * <p>Kinds: {@code text}, {@code xmltext}, {@code xmlfragment}, {@code xmlelement} print {@code toString()};
 * {@code array}, {@code map} print {@code toJSON()} (binary as {@code {"$bytes": b64}}).
 */
@Command(name = "json", mixinStandardHelpOptions = true,
    description = "Print the JSON of root types: {\"name\": value, ...}.")
public final class JsonCommand implements Callable<Integer> {
  /** The root kinds {@code --roots} accepts. */
  public static final List<String> KINDS = List.of("text", "array", "map", "xmlfragment", "xmltext", "xmlelement");

  @ParentCommand
  private DocCommand parent;

  @Mixin
  private DocInputOptions input;

  @Option(names = "--roots", required = true, split = ",", paramLabel = "NAME=KIND",
      description = "Root types to print, in this order; KIND is one of text, array, map, xmlfragment, xmltext, "
          + "xmlelement.")
  private Map<String, String> roots = new LinkedHashMap<>();

  /** Prints the JSON object. */
  @Override
  public Integer call() {
    for (Map.Entry<String, String> e : roots.entrySet()) {
      String kind = e.getValue().toLowerCase(Locale.ROOT);
      if (!KINDS.contains(kind)) {
        throw new CliException(ExitCodes.BAD_INPUT,
            "--roots: unknown kind '" + e.getValue() + "' for root '" + e.getKey() + "' (known: " + KINDS + ")");
      }
    }
    Map<String, Class<? extends AbstractType>> types = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : roots.entrySet()) {
      types.put(e.getKey(), rootType(e.getValue().toLowerCase(Locale.ROOT)));
    }
    Doc doc = input.load(types);
    Map<String, Object> result = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : roots.entrySet()) {
      result.put(e.getKey(), rootValue(doc, e.getKey(), e.getValue().toLowerCase(Locale.ROOT)));
    }
    JsJson.write(parent.out(), result);
    return ExitCodes.OK;
  }

  /** The type {@link #rootValue} asks the document for. */
  static Class<? extends AbstractType> rootType(String kind) {
    return switch (kind) {
      case "text" -> YText.class;
      case "xmltext" -> YXmlText.class;
      case "xmlfragment" -> YXmlFragment.class;
      case "xmlelement" -> YXmlElement.class;
      case "array" -> YArray.class;
      case "map" -> YMap.class;
      default -> throw new IllegalArgumentException("unknown root kind " + kind);
    };
  }

  /** The JSON value of one root: {@code toString()} for text and XML kinds, {@code toJSON()} otherwise. */
  static Object rootValue(Doc doc, String name, String kind) {
    return switch (kind) {
      case "text" -> doc.getText(name).toString();
      case "xmltext" -> doc.get(name, YXmlText.class).toString();
      case "xmlfragment" -> doc.getXmlFragment(name).toString();
      case "xmlelement" -> doc.get(name, YXmlElement.class).toString();
      case "array" -> doc.getArray(name).toJSON();
      case "map" -> doc.getMap(name).toJSON();
      default -> throw new IllegalArgumentException("unknown root kind " + kind);
    };
  }
}
