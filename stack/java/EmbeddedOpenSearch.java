// One OpenSearch 2.19 node per JVM, built on the codelibs runner (which loads the modules from the
// classpath), the twin of EmbeddedElasticsearch.java for the second engine. Run in Java's
// source-file mode: no build step. Node 1 is the only cluster-manager-eligible node (see the
// Elasticsearch launcher for why).
//
// Plugins on the classpath are loaded by class name from -Dshop.plugins (comma-separated): the
// secured node loads the security plugin this way.
//
// Usage: EmbeddedOpenSearch <basePath> <nodeNumber> <nodeCount> <httpPort1> <transportPort1> <clusterName> [key=value ...]
import org.codelibs.opensearch.runner.OpenSearchRunner;

import java.util.ArrayList;
import java.util.List;

public class EmbeddedOpenSearch {
    public static void main(String[] args) throws Exception {
        String basePath = args[0];
        int node = Integer.parseInt(args[1]);
        int nodes = Integer.parseInt(args[2]);
        int httpPort = Integer.parseInt(args[3]);
        int transportPort = Integer.parseInt(args[4]);
        String cluster = args[5];
        List<String> seeds = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            seeds.add("127.0.0.1:" + (transportPort + i - 1));
        }
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1);
        runner.onBuild((n, s) -> {
            s.put("node.name", "node-" + node);
            s.put("http.port", String.valueOf(httpPort + node - 1));
            s.put("transport.port", String.valueOf(transportPort + node - 1));
            s.put("network.host", "127.0.0.1");
            s.putList("discovery.seed_hosts", seeds);
            if (node == 1) {
                s.putList("node.roles", "cluster_manager", "data", "ingest");
            } else {
                s.putList("node.roles", "data", "ingest");
            }
            s.putList("cluster.initial_cluster_manager_nodes", "node-1");
            for (int i = 6; i < args.length; i++) {
                String[] kv = args[i].split("=", 2);
                s.put(kv[0], kv[1]);
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception e) {
                System.err.println("close failed: " + e);
            }
        }));
        List<String> options = new ArrayList<>(List.of("-basePath", basePath, "-numOfNode", "1", "-clusterName", cluster));
        String plugins = System.getProperty("shop.plugins", "");
        if (!plugins.isEmpty()) {
            options.add("-pluginTypes");
            options.add(plugins);
        }
        runner.build(options.toArray(new String[0]));
        while (!runner.isClosed()) {
            Thread.sleep(1000);
        }
    }
}
