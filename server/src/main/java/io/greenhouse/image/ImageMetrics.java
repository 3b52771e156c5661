package io.greenhouse.image;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Timer;

import java.time.Duration;
import java.util.function.LongSupplier;

/** Image pulls as MicroProfile metrics: pulls, failures, bytes fetched, layer cache hits, the store's size. */
public final class ImageMetrics implements ImageEvents {
    private final Counter pulls;
    private final Counter failures;
    private final Counter bytes;
    private final Counter hits;
    private final Counter downloads;
    private final Counter collectedLayers;
    private final Timer pullTime;

    public ImageMetrics(MetricRegistry registry) {
        pulls = registry.counter(meta("greenhouse.image.pulls", "Images made ready for a container (cached or not)", MetricUnits.NONE));
        failures = registry.counter(meta("greenhouse.image.pull.failures", "Image pulls that failed", MetricUnits.NONE));
        bytes = registry.counter(meta("greenhouse.image.pulled", "Layer blob bytes fetched from registries, layouts and tarballs", MetricUnits.BYTES));
        hits = registry.counter(meta("greenhouse.image.layer.cache.hits", "Layers found in the store", MetricUnits.NONE));
        downloads = registry.counter(meta("greenhouse.image.layer.downloads", "Layers fetched and unpacked", MetricUnits.NONE));
        collectedLayers = registry.counter(meta("greenhouse.image.gc.layers", "Unused layers removed by garbage collection", MetricUnits.NONE));
        pullTime = registry.timer(meta("greenhouse.image.pull.time", "Time to make an image ready, downloads included", MetricUnits.NONE));
    }

    /** The store's size at scrape time. */
    public void storeSize(MetricRegistry registry, LongSupplier size) {
        registry.gauge(meta("greenhouse.image.store.size", "Bytes of unpacked layers in the store", MetricUnits.BYTES),
                () -> size.getAsLong());
    }

    private static Metadata meta(String name, String description, String unit) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
    }

    @Override
    public void pulled(String image, int layers, int downloaded, long fetched, Duration took) {
        pulls.inc();
        pullTime.update(took);
    }

    @Override
    public void pullFailed(String image) {
        failures.inc();
    }

    @Override
    public void layerCached() {
        hits.inc();
    }

    @Override
    public void layerDownloaded(long blobBytes) {
        downloads.inc();
        bytes.inc(blobBytes);
    }

    @Override
    public void collected(int layers, long freed) {
        collectedLayers.inc(layers);
    }
}
