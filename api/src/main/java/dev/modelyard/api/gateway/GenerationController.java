package dev.modelyard.api.gateway;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class GenerationController {

  private final GenerationRouter router;

  GenerationController(GenerationRouter router) {
    this.router = router;
  }

  @PostMapping("/api/v1/local-llm/generate")
  GenerateResponse generate(
      @Valid @RequestBody GenerateRequest request, HttpServletRequest httpRequest) {
    return router.generate(request, httpRequest);
  }

  /**
   * The backend refused the request itself (a prompt longer than its context, say): its status and
   * its words, not the 500 of an unexpected error.
   */
  @ExceptionHandler(Gateway.UpstreamRejectedException.class)
  ProblemDetail rejected(Gateway.UpstreamRejectedException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(e.status()), e.getMessage());
  }
}
