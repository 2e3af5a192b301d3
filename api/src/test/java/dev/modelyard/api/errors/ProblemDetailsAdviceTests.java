package dev.modelyard.api.errors;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The advice on a controller of its own, so that each failure is made on purpose. */
class ProblemDetailsAdviceTests {

  private final MockMvc mvc =
      MockMvcBuilders.standaloneSetup(new Failing())
          .setControllerAdvice(new ProblemDetailsAdvice())
          .build();

  @Test
  void aDatabaseOutOfReachIsA503SayingSo() throws Exception {
    for (String path : new String[] {"/no-connection", "/no-transaction"}) {
      mvc.perform(get(path))
          .andExpect(status().isServiceUnavailable())
          .andExpect(jsonPath("$.status").value(503))
          .andExpect(jsonPath("$.detail").value("the database cannot be reached now"));
    }
  }

  @Test
  void aQueryStoppedAtItsTimeoutIsA503SayingHowToAnswerSooner() throws Exception {
    mvc.perform(get("/query-timeout"))
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.status").value(503))
        .andExpect(
            jsonPath("$.detail")
                .value(
                    "the query took too long and was stopped; a narrower time range or more"
                        + " filters answer sooner"));
  }

  @Test
  void aParameterOfTheWrongTypeIsA400NamingIt() throws Exception {
    mvc.perform(get("/typed").param("tail", "abc"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("tail"))
        .andExpect(jsonPath("$.detail").value("tail must be a whole number"));
  }

  @Test
  void aMissingRequiredParameterIsA400NamingIt() throws Exception {
    mvc.perform(get("/required"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("model_name"))
        .andExpect(jsonPath("$.detail").value("model_name is required"));
  }

  @Test
  void anythingElseIsStillA500WithoutItsText() throws Exception {
    mvc.perform(get("/bug"))
        .andExpect(status().isInternalServerError())
        .andExpect(jsonPath("$.detail").value("an unexpected error happened; it has been logged"));
  }

  @RestController
  static class Failing {

    @GetMapping("/no-connection")
    String noConnection() {
      throw new CannotGetJdbcConnectionException(
          "Failed to obtain JDBC Connection",
          new SQLTransientConnectionException("Connection is not available"));
    }

    @GetMapping("/no-transaction")
    String noTransaction() {
      throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction");
    }

    @GetMapping("/query-timeout")
    String queryTimeout() {
      throw new QueryTimeoutException("canceling statement due to statement timeout");
    }

    @GetMapping("/typed")
    String typed(@RequestParam Integer tail) {
      return "tail " + tail;
    }

    @GetMapping("/required")
    String required(@RequestParam("model_name") String modelName) {
      return modelName;
    }

    @GetMapping("/bug")
    String bug() {
      throw new IllegalStateException("secret internals");
    }
  }
}
