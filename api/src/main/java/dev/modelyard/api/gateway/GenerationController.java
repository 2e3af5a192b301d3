package dev.modelyard.api.gateway;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
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
}
