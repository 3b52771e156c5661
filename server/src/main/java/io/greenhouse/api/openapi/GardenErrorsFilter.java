package io.greenhouse.api.openapi;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import java.util.Map;

/**
 * Adds Garden's error answers (GardenExceptionMapper) to every operation of the description:
 * 404 with a ContainerNotFoundError or ProcessNotFoundError for routes that name a container,
 * 500 for any other failure, both as the Error schema of META-INF/openapi.yaml.
 */
public class GardenErrorsFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            boolean namesContainer = path.getKey().contains("{handle}");
            for (Operation operation : path.getValue().getOperations().values()) {
                if (operation.getResponses() == null) {
                    operation.setResponses(OASFactory.createAPIResponses());
                }
                if (namesContainer) {
                    operation.getResponses().addAPIResponse("404", error(path.getKey().contains("{processId}")
                            ? "Unknown container (ContainerNotFoundError) or process (ProcessNotFoundError)"
                            : "Unknown container (ContainerNotFoundError)"));
                }
                operation.getResponses().addAPIResponse("500",
                        error("Any other failure: Type ExecutableNotFoundError, ServiceUnavailableError or empty"));
            }
        }
    }

    private static APIResponse error(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Error"))));
    }
}
