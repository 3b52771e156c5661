package io.greenhouse.api;

import io.greenhouse.api.wire.ErrorJson;
import io.greenhouse.backend.ContainerNotFoundException;
import io.greenhouse.backend.ExecutableNotFoundException;
import io.greenhouse.backend.GardenException;
import io.greenhouse.backend.ProcessNotFoundException;
import io.greenhouse.backend.ServiceUnavailableException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Failures become Garden error JSON with the type and status the Go client expects. */
class GardenExceptionMapperTest {

    @Test
    void unknownContainerIs404ContainerNotFoundWithItsHandle() {
        ContainerNotFoundException e = new ContainerNotFoundException("h1");
        assertEquals(404, GardenExceptionMapper.status(e));
        assertEquals(new ErrorJson("ContainerNotFoundError", "unknown handle: h1", "h1", "", ""),
                GardenExceptionMapper.toError(e));
    }

    @Test
    void unknownProcessIs404ProcessNotFoundWithItsId() {
        ProcessNotFoundException e = new ProcessNotFoundException("p7");
        assertEquals(404, GardenExceptionMapper.status(e));
        ErrorJson json = GardenExceptionMapper.toError(e);
        assertEquals("ProcessNotFoundError", json.type());
        assertEquals("p7", json.processId());
    }

    @Test
    void typedBackendErrorsAre500WithTheirGardenType() {
        assertEquals(500, GardenExceptionMapper.status(new ExecutableNotFoundException("no sh")));
        assertEquals("ExecutableNotFoundError",
                GardenExceptionMapper.toError(new ExecutableNotFoundException("no sh")).type());
        assertEquals("ServiceUnavailableError",
                GardenExceptionMapper.toError(new ServiceUnavailableException("starting")).type());
    }

    @Test
    void plainGardenErrorIs500WithAnEmptyTypeAndItsMessage() {
        GardenException e = new GardenException("max containers reached");
        assertEquals(500, GardenExceptionMapper.status(e));
        assertEquals(new ErrorJson("", "max containers reached", "", "", ""), GardenExceptionMapper.toError(e));
    }

    @Test
    void unexpectedFailureIs500NamingTheFailureWithoutAStackTrace() {
        IllegalStateException e = new IllegalStateException("boom");
        assertEquals(500, GardenExceptionMapper.status(e));
        ErrorJson json = GardenExceptionMapper.toError(e);
        assertEquals("IllegalStateException: boom", json.message());
        assertFalse(json.message().contains("\tat "));
    }
}
