package dev.crossgate.policy.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents a record component for the generated JSON Schema and the policy reference: what it
 * does, its default, and the values it accepts. The validator reads the accepted values from here
 * too (through {@link AllowedValues}), so there is one list, not two.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {

  /** What the field does, in one or two sentences. */
  String value();

  /** The default when the field is omitted, as written in YAML; empty when there is none. */
  String defaultValue() default "";

  /**
   * The accepted values, spelled as in YAML; for a list field, the accepted values of its items.
   * Empty when any value of the type is accepted (subject to the validator's other checks).
   */
  String[] allowed() default {};
}
