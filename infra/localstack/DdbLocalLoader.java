// A do-nothing stand-in for LocalStack's ddb-local-loader agent. LocalStack always puts
// `-javaagent:ddb-local-loader-0.1.jar` on DynamoDB Local's command line; its real agent only
// lifts DynamoDB Local's limit of 20 GSIs per table and is downloaded from the internet, which
// an offline install cannot do. Our tables have 3 GSIs, so an agent that loads and does nothing
// keeps the JVM happy without changing DynamoDB Local's behaviour.
package autograph.localstack;

import java.lang.instrument.Instrumentation;

public final class DdbLocalLoader {
    private DdbLocalLoader() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        // Nothing to patch.
    }
}
