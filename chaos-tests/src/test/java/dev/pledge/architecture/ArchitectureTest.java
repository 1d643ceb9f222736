package dev.pledge.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering rules of shared/DESIGN.md, checked on the compiled classes of every module (this
 * module sees them all). The protocol cores are step functions: they build on the core module and
 * the JDK's collections alone, and touch no thread, clock, socket, file, Thrift or RocksDB, which
 * is what lets the simulator run them under simulated time, network and disk.
 */
@AnalyzeClasses(packages = "dev.pledge", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String PROTOCOL = "dev.pledge.*.protocol..";

    @ArchTest
    static final ArchRule protocolsBuildOnTheCoreModuleAndTheJdkCollectionsOnly = classes()
            .that().resideInAPackage(PROTOCOL)
            .should().onlyDependOnClassesThat().resideInAnyPackage(PROTOCOL, "dev.pledge.core..",
                    "java.lang..", "java.util..", "java.nio.charset..")
            .because("a protocol core is a pure step function (DESIGN.md, Layout)");

    @ArchTest
    static final ArchRule protocolsTouchNoThreadClockOrIo = noClasses()
            .that().resideInAPackage(PROTOCOL)
            .should().dependOnClassesThat().resideInAnyPackage("java.util.concurrent..", "java.io..", "java.net..",
                    "java.nio.file..", "java.time..", "org.apache.thrift..", "org.rocksdb..")
            .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
            .orShould().dependOnClassesThat().areAssignableTo(ThreadLocal.class)
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(System.class, "nanoTime")
            .orShould().callMethod(Thread.class, "sleep", long.class)
            .because("time arrives in events and effects leave as Outputs, so simulation is exact");

    @ArchTest
    static final ArchRule theCoreModuleDependsOnNoOtherPledgeModule = noClasses()
            .that().resideInAnyPackage("dev.pledge.core..", "dev.pledge.runtime..", "dev.pledge.failpoint..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.pledge.rpc..", "dev.pledge.wire..",
                    "dev.pledge.client..", "dev.pledge.xa..", "dev.pledge.coordinator..", "dev.pledge.participant..")
            .because("every other module builds on it");

    @ArchTest
    static final ArchRule nodesDoNotUseTheClientSdk = noClasses()
            .that().resideInAnyPackage("dev.pledge.coordinator..", "dev.pledge.participant..", "dev.pledge.rpc..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.pledge.client..", "dev.pledge.xa..");

    /**
     * No package cycles anywhere. The participant's Thrift handlers reach its runtime only through
     * interfaces their package owns (CoreAccess, BranchRunner, OutcomeOracle); ParticipantNode, on
     * top, wires the two.
     */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.pledge.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule onlyTheCertificateGeneratorUsesBouncyCastle = noClasses()
            .that().resideOutsideOfPackage("dev.pledge.demo.certs..")
            .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
            .because("nodes and clients load their TLS files with the JDK alone; only pledge certs makes certificates");

    @ArchTest
    static final ArchRule participantHandlersDoNotReachIntoTheRuntime = noClasses()
            .that().resideInAPackage("dev.pledge.participant.rpc")
            .should().dependOnClassesThat().resideInAPackage("dev.pledge.participant.runtime")
            .because("rpc talks to the runtime through interfaces it owns; the node wires them");
}
