package dev.pledge.xa;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import jakarta.transaction.TransactionManager;
import java.nio.file.Path;

/** Narayana, configured once per JVM (its configuration is global), with its default object store in a given directory. */
final class NarayanaTm {
    private static TransactionManager tm;

    private NarayanaTm() {}

    static synchronized TransactionManager start(Path objectStoreDir) throws CoreEnvironmentBeanException {
        if (tm != null) return tm;
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier("pledge-xa-test");
        String dir = objectStoreDir.toAbsolutePath().toString();
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(dir);
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        return tm;
    }
}
