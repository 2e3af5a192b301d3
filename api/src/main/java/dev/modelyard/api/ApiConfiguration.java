package dev.modelyard.api;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.FilterType;

/** The web layer's beans: controllers, the router and their services. */
@Configuration(proxyBeanMethods = false)
@ComponentScan(
    excludeFilters = {
      @ComponentScan.Filter(SpringBootConfiguration.class),
      @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class)
    })
public class ApiConfiguration {}
