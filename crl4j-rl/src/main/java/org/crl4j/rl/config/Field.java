package org.crl4j.rl.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One option of a run: its default (as it is written in a config file), its help line and its allowed values. The
 * record component's name, in kebab case, is the option's one spelling: the flag ({@code --critic-depth}), the config
 * key ({@code critic-depth}) and the name in error messages.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Field {
    /** The default, written as in a config file ("" for an optional text that is then derived). */
    String value();

    String help();

    /** Smallest allowed number (inclusive). */
    double min() default Double.NEGATIVE_INFINITY;

    /** Largest allowed number (inclusive). */
    double max() default Double.POSITIVE_INFINITY;

    /** The allowed words of a text option (empty: any text). */
    String[] choices() default {};
}
