package dev.pledge.xa;

import com.arjuna.ats.arjuna.common.CoreEnvironmentBeanException;
import com.arjuna.ats.arjuna.common.ObjectStoreEnvironmentBean;
import com.arjuna.ats.arjuna.common.arjPropertyManager;
import com.arjuna.common.internal.util.propertyservice.BeanPopulator;
import com.arjuna.ats.arjuna.common.recoveryPropertyManager;
import com.arjuna.ats.arjuna.recovery.RecoveryManager;
import com.arjuna.ats.internal.jta.recovery.arjunacore.XARecoveryModule;
import com.arjuna.ats.jta.common.jtaPropertyManager;
import com.arjuna.ats.jta.recovery.XAResourceRecoveryHelper;
import jakarta.transaction.TransactionManager;
import java.util.List;
import javax.transaction.xa.XAResource;
import java.nio.file.Path;

/** Narayana, configured once per JVM (its configuration is global), with its default object store in a given directory. */
final class NarayanaTm {
    private static final String NODE_ID = "pledge-xa-test";
    private static TransactionManager tm;
    private static RecoveryManager recovery;

    private NarayanaTm() {}

    static synchronized TransactionManager start(Path objectStoreDir) throws CoreEnvironmentBeanException {
        if (tm != null) return tm;
        arjPropertyManager.getCoreEnvironmentBean().setNodeIdentifier(NODE_ID);
        String dir = objectStoreDir.toAbsolutePath().toString();
        arjPropertyManager.getObjectStoreEnvironmentBean().setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "communicationStore").setObjectStoreDir(dir);
        BeanPopulator.getNamedInstance(ObjectStoreEnvironmentBean.class, "stateStore").setObjectStoreDir(dir);
        // Recovery scans are run by the tests (RecoveryManager.DIRECT_MANAGEMENT); one second between passes.
        recoveryPropertyManager.getRecoveryEnvironmentBean().setRecoveryBackoffPeriod(1);
        jtaPropertyManager.getJTAEnvironmentBean().setXaRecoveryNodes(List.of(NODE_ID));
        tm = com.arjuna.ats.jta.TransactionManager.transactionManager();
        return tm;
    }

    /** Runs one full recovery scan (both passes) with {@code resources} offered to XA recovery. */
    static synchronized void recover(XAResource... resources) {
        if (recovery == null) {
            RecoveryManager.delayRecoveryManagerThread();
            recovery = RecoveryManager.manager(RecoveryManager.DIRECT_MANAGEMENT);
        }
        XARecoveryModule xa = XARecoveryModule.getRegisteredXARecoveryModule();
        XAResourceRecoveryHelper helper = new XAResourceRecoveryHelper() {
            @Override
            public boolean initialise(String p) {
                return true;
            }

            @Override
            public XAResource[] getXAResources() {
                return resources;
            }
        };
        xa.addXAResourceRecoveryHelper(helper);
        try {
            recovery.scan();
        } finally {
            xa.removeXAResourceRecoveryHelper(helper);
        }
    }
}
