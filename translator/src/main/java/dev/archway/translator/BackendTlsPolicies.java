package dev.archway.translator;

import static dev.archway.translator.ResourceIndex.nonNull;

import dev.archway.api.snapshot.ResourceKey;
import dev.archway.api.status.Conditions;
import dev.archway.api.status.PolicyConditionReason;
import dev.archway.api.status.PolicyConditionType;
import dev.archway.api.v1alpha1.ArchwayApi;
import dev.archway.ir.DataPlaneConfig;
import dev.archway.ir.GatewayIr;
import dev.archway.ir.UpstreamTls;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * BackendTLSPolicies (apis/v1/backendtlspolicy_types.go, GEP-1897): each valid policy makes the
 * destinations of its target Service ports use TLS. Of several policies for the same Service and
 * sectionName the oldest wins (then by namespace/name) and the others are Conflicted; a policy with
 * a sectionName (a Service port name) beats one without for that port. A policy that is not valid
 * still configures TLS, with nothing trusted, so that requests fail (502) instead of going out in
 * plaintext.
 *
 * <p>Status goes to each Gateway (ancestor) whose configuration uses a destination of the target
 * Service; a policy whose Service no route uses gets no entry.
 */
final class BackendTlsPolicies {
  private BackendTlsPolicies() {}

  /** A policy after validation. */
  private static final class Policy {
    final BackendTLSPolicy resource;
    final List<String> invalid = new ArrayList<>();
    final List<String> refProblems = new ArrayList<>();
    final List<PolicyConditionReason> refReasons = new ArrayList<>();
    PolicyConditionReason notAcceptedReason;
    String conflictedWith;
    final Set<String> services = new TreeSet<>();

    /** Target Services ({@code namespace/name}) that do not exist. */
    final Set<String> missing = new TreeSet<>();

    UpstreamTls tls;

    Policy(BackendTLSPolicy resource) {
      this.resource = resource;
    }
  }

  /** Validates every policy and configures the destinations of the valid ones. */
  static List<Object> configure(
      List<BackendTLSPolicy> resources,
      ResourceIndex index,
      BackendResolver backends,
      Instant now) {
    List<Policy> policies = new ArrayList<>();
    // Oldest first, so that the first policy to claim a target keeps it.
    List<BackendTLSPolicy> ordered = new ArrayList<>(resources);
    ordered.sort(
        Comparator.comparing(
                (BackendTLSPolicy p) -> RouteParents.created(p), RouteEntry::compareCreated)
            .thenComparing(RouteParents::namespacedName));
    Map<String, Policy> claims = new HashMap<>();
    // port key -> (policy, whether it named the port)
    Map<String, Policy> byPort = new LinkedHashMap<>();
    Map<String, Boolean> byPortSpecific = new HashMap<>();
    for (BackendTLSPolicy resource : ordered) {
      Policy p = new Policy(resource);
      policies.add(p);
      UpstreamTls tls =
          BackendTlsValidation.validate(
              resource, index, now, p.invalid, p.refProblems, p.refReasons);
      if (!p.invalid.isEmpty()) {
        p.notAcceptedReason = PolicyConditionReason.INVALID;
      } else if (tls == null) {
        p.notAcceptedReason = PolicyConditionReason.NO_VALID_CA_CERTIFICATE;
      }
      p.tls =
          tls != null ? tls : new UpstreamTls(null, false, hostnameOrTarget(resource), List.of());
      String namespace = resource.getMetadata().getNamespace();
      List<LocalPolicyTargetReferenceWithSectionName> targets =
          resource.getSpec() == null ? List.of() : nonNull(resource.getSpec().getTargetRefs());
      for (LocalPolicyTargetReferenceWithSectionName target : targets) {
        if (!Objects.requireNonNullElse(target.getGroup(), "").isEmpty()
            || !"Service".equals(target.getKind())) {
          continue; // reported by validation
        }
        String claim = namespace + "/" + target.getName() + "#" + target.getSectionName();
        p.services.add(namespace + "/" + target.getName());
        Policy owner = claims.putIfAbsent(claim, p);
        if (owner != null && owner != p) {
          p.notAcceptedReason = PolicyConditionReason.CONFLICTED;
          p.conflictedWith = RouteParents.namespacedName(owner.resource);
          continue;
        }
        Service svc = index.service(namespace, target.getName()).orElse(null);
        if (svc == null) {
          // Policy status goes to ancestors: the Gateways whose routes refer to the missing
          // Service (their ResolvedRefs says BackendNotFound) hear of it too.
          p.missing.add(namespace + "/" + target.getName());
          if (p.notAcceptedReason == null) {
            p.notAcceptedReason = PolicyConditionReason.TARGET_NOT_FOUND;
          }
          if (p.notAcceptedReason == PolicyConditionReason.TARGET_NOT_FOUND) {
            p.invalid.add(
                "spec.targetRefs: Service "
                    + namespace
                    + "/"
                    + target.getName()
                    + " not found (expected: a Service in the policy's namespace)");
          }
          continue;
        }
        if (svc.getSpec() == null) {
          continue;
        }
        boolean matched = false;
        for (ServicePort port : nonNull(svc.getSpec().getPorts())) {
          boolean named = target.getSectionName() != null;
          if (named && !target.getSectionName().equals(port.getName())) {
            continue;
          }
          matched = true;
          String key = namespace + "/" + target.getName() + "/" + port.getPort();
          if (!byPort.containsKey(key) || (named && !byPortSpecific.get(key))) {
            byPort.put(key, p);
            byPortSpecific.put(key, named);
          }
        }
        if (!matched && p.notAcceptedReason == null) {
          p.notAcceptedReason = PolicyConditionReason.TARGET_NOT_FOUND;
          p.invalid.add(
              "spec.targetRefs: sectionName \""
                  + target.getSectionName()
                  + "\" is not a port name of Service "
                  + namespace
                  + "/"
                  + target.getName());
        }
      }
    }
    byPort.forEach(
        (key, p) -> {
          if (p.notAcceptedReason != PolicyConditionReason.CONFLICTED) {
            String[] parts = key.split("/");
            backends.upstreamTls(parts[0], parts[1], Integer.parseInt(parts[2]), p.tls);
          }
        });
    return new ArrayList<>(policies);
  }

  private static String hostnameOrTarget(BackendTLSPolicy p) {
    if (p.getSpec() != null
        && p.getSpec().getValidation() != null
        && p.getSpec().getValidation().getHostname() != null) {
      return p.getSpec().getValidation().getHostname();
    }
    return "invalid.policy";
  }

  /** The statuses of the policies, with one ancestor entry per Gateway that uses the target. */
  static Map<ResourceKey, PolicyStatus> statuses(
      List<Object> configured,
      DataPlaneConfig config,
      Collection<GatewayContext> gateways,
      ResourceIndex index) {
    if (configured.isEmpty()) {
      return Map.of(); // no policy: no need to walk every route of the IR
    }
    Map<String, Set<String>> gatewaysByService = new HashMap<>();
    for (GatewayIr gw : config.gateways()) {
      for (String destination : IrDestinations.of(gw)) {
        String[] parts = destination.split("/");
        if (parts.length >= 4 && parts[0].equals("service")) {
          gatewaysByService
              .computeIfAbsent(parts[1] + "/" + parts[2], k -> new TreeSet<>())
              .add(gw.name().substring("gateway/".length()));
        }
      }
    }
    Map<ResourceKey, PolicyStatus> statuses = new LinkedHashMap<>();
    for (Object o : configured) {
      Policy p = (Policy) o;
      Set<String> ancestorNames = new TreeSet<>();
      p.services.forEach(s -> ancestorNames.addAll(gatewaysByService.getOrDefault(s, Set.of())));
      if (!p.missing.isEmpty()) {
        ancestorNames.addAll(MissingTargets.gatewaysReferring(p.missing, gateways, index));
      }
      if (ancestorNames.isEmpty()) {
        continue;
      }
      List<PolicyAncestorStatus> ancestors = new ArrayList<>();
      for (String gateway : ancestorNames) {
        ancestors.add(ancestor(p, gateway));
      }
      PolicyStatus status = new PolicyStatus();
      status.setAncestors(ancestors);
      statuses.put(ResourceKey.of(p.resource), status);
    }
    return statuses;
  }

  private static PolicyAncestorStatus ancestor(Policy p, String gateway) {
    Long generation = p.resource.getMetadata().getGeneration();
    List<Condition> conditions = new ArrayList<>();
    if (p.notAcceptedReason == null) {
      conditions.add(
          Conditions.create(
              PolicyConditionType.ACCEPTED,
              true,
              PolicyConditionReason.ACCEPTED,
              "the policy applies to its targets",
              generation));
    } else {
      String message =
          switch (p.notAcceptedReason) {
            case CONFLICTED ->
                "BackendTLSPolicy "
                    + p.conflictedWith
                    + " targets the same Service and sectionName and is older (expected: one"
                    + " policy per target)";
            case NO_VALID_CA_CERTIFICATE ->
                "spec.validation.caCertificateRefs: none is usable (expected: at least one valid"
                    + " CA certificate)";
            default -> String.join("; ", p.invalid);
          };
      conditions.add(
          Conditions.create(
              PolicyConditionType.ACCEPTED, false, p.notAcceptedReason, message, generation));
    }
    conditions.add(
        p.refProblems.isEmpty()
            ? Conditions.create(
                PolicyConditionType.RESOLVED_REFS,
                true,
                PolicyConditionReason.RESOLVED_REFS,
                "all references are resolved",
                generation)
            : Conditions.create(
                PolicyConditionType.RESOLVED_REFS,
                false,
                p.refReasons.get(0),
                String.join("; ", p.refProblems),
                generation));
    ParentReference ref = new ParentReference();
    ref.setGroup(ResourceIndex.GATEWAY_GROUP);
    ref.setKind(RouteParents.GATEWAY);
    int slash = gateway.indexOf('/');
    ref.setNamespace(gateway.substring(0, slash));
    ref.setName(gateway.substring(slash + 1));
    PolicyAncestorStatus status = new PolicyAncestorStatus();
    status.setAncestorRef(ref);
    status.setControllerName(ArchwayApi.CONTROLLER_NAME);
    status.setConditions(Conditions.sortedByType(conditions));
    return status;
  }
}
