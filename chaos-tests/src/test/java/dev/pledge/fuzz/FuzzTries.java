package dev.pledge.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * {@code -Dfuzz.tries=N} replaces a property's small in-suite budget of tries, for a long run. An
 * example (no generated parameter) keeps its one try: repeating it N times finds nothing.
 */
public final class FuzzTries implements AroundPropertyHook {
    static final String PROPERTY = "fuzz.tries";

    /** Registered on the test class, it applies to each of its properties. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String tries = System.getProperty(PROPERTY);
        boolean generated = context.targetMethod().getParameterCount() > 0;
        if (generated && tries != null && !tries.isBlank()) context.attributes().setTries(Integer.parseInt(tries.strip()));
        return property.execute();
    }
}
