package org.covenant.bench.peers;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.Optional;

/**
 * CEL-Java 0.14: one type-checked expression over the request's facts as variables, compiled
 * once into a program. Each request is bound through a variable resolver (no map built per
 * call). The lock resolution is a chain of conditionals in the expression.
 */
public final class CelPeer implements PeerEngine {
  /** The rule, in CEL. */
  public static final String EXPRESSION = """
      purpose == "ai.training" && category.startsWith("customer_content.")
        && consent_at_capture && consent_at_use
        && (account_locked ? account_value
            : group_locked ? group_value
            : user_set ? user_value
            : group_set ? group_value
            : account_value)""";

  private final CelRuntime.Program program;

  /** Compiles the expression. */
  public CelPeer() {
    CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .addVar("purpose", SimpleType.STRING)
        .addVar("category", SimpleType.STRING)
        .addVar("consent_at_capture", SimpleType.BOOL)
        .addVar("consent_at_use", SimpleType.BOOL)
        .addVar("account_value", SimpleType.BOOL)
        .addVar("account_locked", SimpleType.BOOL)
        .addVar("group_set", SimpleType.BOOL)
        .addVar("group_value", SimpleType.BOOL)
        .addVar("group_locked", SimpleType.BOOL)
        .addVar("user_set", SimpleType.BOOL)
        .addVar("user_value", SimpleType.BOOL)
        .build();
    try {
      CelAbstractSyntaxTree ast = compiler.compile(EXPRESSION).getAst();
      program = CelRuntimeFactory.standardCelRuntimeBuilder().build().createProgram(ast);
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalStateException("the CEL rule does not compile: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean allows(RuleFacts f) {
    try {
      return (Boolean) program.eval(name -> Optional.of(switch (name) {
        case "purpose" -> f.purpose();
        case "category" -> f.category();
        case "consent_at_capture" -> f.consentAtCapture();
        case "consent_at_use" -> f.consentAtUse();
        // the model sets value only when the level is set: "account_value" is set && value
        case "account_value" -> f.accountValue();
        case "account_locked" -> f.accountLocked();
        case "group_set" -> f.groupSet();
        case "group_value" -> f.groupValue();
        case "group_locked" -> f.groupLocked();
        case "user_set" -> f.userSet();
        case "user_value" -> f.userValue();
        default -> throw new IllegalArgumentException("unknown variable `" + name + "`");
      }));
    } catch (CelEvaluationException e) {
      throw new IllegalStateException("CEL evaluation failed: " + e.getMessage(), e);
    }
  }
}
