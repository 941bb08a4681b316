/** JSON Schemas (draft 2020-12) generated from the policy model, one per resource kind. */
package dev.crossgate.policy.schema;
