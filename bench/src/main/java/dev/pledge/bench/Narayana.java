package dev.pledge.bench;

import ch.qos.logback.classic.Level;
import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.ats.arjuna.coordinator.TxControl;
import com.arjuna.ats.arjuna.objectstore.StoreManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Narayana's transaction manager in this JVM, as shipped (default file object store, synced),
 * with the store in the given directory. Its configuration is global and read at first use, so
 * the first call decides the directory for the whole run.
 */
final class Narayana {
    private static final String NODE_ID = "pledge-bench";

    private Narayana() {}

    static TransactionManager start(Path objectStoreDir) throws CoreEnvironmentBeanException {
        // Narayana logs every start-up step and recovery scan at INFO; the bench's output is its table.
        for (String logger : new String[] {"com.arjuna", "org.jboss.logging"}) {
            if (LoggerFactory.getLogger(logger) instanceof ch.qos.logback.classic.Logger l) l.setLevel(Level.WARN);
        }
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier(NODE_ID);
        String dir = objectStoreDir.toAbsolutePath().toString();
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(dir);
        return com.arjuna.ats.jta.TransactionManager.transactionManager();
    }

    /** Waits for running transactions, then releases the object store, so its directory can go. */
    static void stop() {
        TxControl.disable(true);
        StoreManager.shutdown();
    }
}
