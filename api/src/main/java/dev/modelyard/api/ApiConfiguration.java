package dev.modelyard.api;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The web layer's beans: controllers, the router and their services. */
@Configuration(proxyBeanMethods = false)
@ComponentScan(excludeFilters = @ComponentScan.Filter(SpringBootConfiguration.class))
public class ApiConfiguration {}
