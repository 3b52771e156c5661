package io.greenhouse;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering of io.greenhouse, enforced on the compiled main classes (tests may do as they like):
 * the backend knows only itself; the API knows only the backend; adapters know the backend, the
 * OS calls ({@code linux}) and the typed OCI model ({@code oci}), never each other; only the
 * wiring names concrete adapters; no package cycles; every thread comes from wiring.CellThreads.
 */
@AnalyzeClasses(packages = "io.greenhouse", importOptions = ServerClassesOnly.class)
class LayeringTest {

    /** Every adapter package, present or still to come. Each may use only the backend, linux and oci. */
    static final List<String> ADAPTERS = List.of("runc", "rootfs", "depot", "process", "cgroups", "files",
            "host", "linux", "health", "metrics", "network", "image", "oci", "checkpoint", "quota");
    /** Packages any adapter may use besides the backend. */
    static final List<String> SHARED_ADAPTERS = List.of("linux", "oci");

    /** Every package of the application: a new one must be given its place here (and in the rules). */
    @ArchTest
    static final ArchRule everyPackageHasAPlace = classes()
            .should().resideInAnyPackage(packages(List.of("backend", "api", "wiring"), ADAPTERS))
            .because("a new package must be placed in the layering (LayeringTest.ADAPTERS or a layer of its own)");

    @ArchTest
    static final ArchRule backendKnowsOnlyItself = noClasses()
            .that().resideInAPackage("io.greenhouse.backend..")
            .should().dependOnClassesThat(resideInAPackage("io.greenhouse..")
                    .and(DescribedPredicate.not(resideInAPackage("io.greenhouse.backend.."))))
            .because("the backend declares the interfaces it consumes; adapters implement them");

    @ArchTest
    static final ArchRule backendUsesNoFrameworks = noClasses()
            .that().resideInAPackage("io.greenhouse.backend..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "jakarta.ws.rs..", "org.eclipse.microprofile..", "jakarta.enterprise..", "jakarta.inject..")
            .because("the backend is plain Java, built and tested without a server");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.greenhouse.(**)")
            .should().beFreeOfCycles();

    /**
     * The layers. Adapters may use only the backend and the shared adapters; the API only the
     * backend; nothing but the wiring uses an adapter or the API's stream registry.
     */
    @ArchTest
    static final ArchRule layers = adapterLayers();

    private static Architectures.LayeredArchitecture adapterLayers() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .withOptionalLayers(true)
                .layer("backend").definedBy("io.greenhouse.backend..")
                .layer("api").definedBy("io.greenhouse.api..")
                .layer("wiring").definedBy("io.greenhouse.wiring..");
        for (String adapter : ADAPTERS) {
            layers = layers.layer(adapter).definedBy("io.greenhouse." + adapter + "..");
        }
        layers = layers
                .whereLayer("backend").mayOnlyAccessLayers("backend")
                .whereLayer("api").mayOnlyAccessLayers("backend")
                .whereLayer("api").mayOnlyBeAccessedByLayers("wiring")
                .whereLayer("wiring").mayNotBeAccessedByAnyLayer()
                .whereLayer("oci").mayOnlyAccessLayers("backend");
        for (String adapter : ADAPTERS) {
            if (SHARED_ADAPTERS.contains(adapter)) {
                layers = layers.whereLayer(adapter).mayOnlyBeAccessedByLayers(allBut(adapter));
            } else {
                layers = layers.whereLayer(adapter).mayOnlyBeAccessedByLayers("wiring");
            }
        }
        return layers.whereLayer("linux").mayOnlyAccessLayers("backend");
    }

    /** Every layer but this one: a shared adapter may be used by all. */
    private static String[] allBut(String layer) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of("backend", "api", "wiring"), ADAPTERS.stream())
                .filter(l -> !l.equals(layer))
                .toArray(String[]::new);
    }

    /** The one place allowed to make threads or thread pools. */
    static final String THREADS = "io.greenhouse.wiring.CellThreads";

    @ArchTest
    static final ArchRule threadsComeFromCellThreads = noClasses()
            .that(DescribedPredicate.not(JavaClass.Predicates.belongToAnyOf(io.greenhouse.wiring.CellThreads.class)))
            .should().callCodeUnitWhere(makesThreads())
            .because("threads the server starts come from Liberty's managed thread factory and scheduler,"
                    + " through " + THREADS + " (an Executor in each adapter's constructor)");

    private static DescribedPredicate<JavaCall<?>> makesThreads() {
        return DescribedPredicate.describe("new Thread, Thread.ofPlatform/ofVirtual/startVirtualThread,"
                        + " java.util.concurrent.Executors, new thread pools, the common pool",
                access -> {
                    JavaClass owner = access.getTargetOwner();
                    String name = access.getTarget().getName();
                    if (owner.isAssignableTo(Thread.class)) {
                        return name.equals("<init>") || name.equals("ofPlatform") || name.equals("ofVirtual")
                                || name.equals("startVirtualThread");
                    }
                    if (owner.isEquivalentTo(Executors.class)) {
                        return true;
                    }
                    if (owner.isAssignableTo(ThreadPoolExecutor.class) || owner.isAssignableTo(ForkJoinPool.class)
                            || owner.isAssignableTo(ScheduledThreadPoolExecutor.class)
                            || owner.isAssignableTo(java.util.Timer.class)) {
                        return name.equals("<init>") || name.equals("commonPool");
                    }
                    // Without an executor, these run on the common pool.
                    if (owner.isEquivalentTo(CompletableFuture.class)) {
                        return (name.equals("runAsync") || name.equals("supplyAsync"))
                                && access.getTarget().getRawParameterTypes().size() == 1;
                    }
                    return false;
                });
    }

    private static String[] packages(List<String> layers, List<String> adapters) {
        return java.util.stream.Stream.concat(layers.stream(), adapters.stream())
                .map(p -> "io.greenhouse." + p + "..")
                .toArray(String[]::new);
    }
}
