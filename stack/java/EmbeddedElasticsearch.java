// One Elasticsearch 7.10.2 node per JVM, built on the codelibs cluster runner (which loads the
// modules from the classpath). Run in Java's source-file mode: no build step.
// The runner alone caps HTTP ports at 9299 and cannot set the transport port or bind address,
// so this launcher sets them; one node per process lets a test stop a single node with a signal.
// Node 1 is the only master-eligible node: with two master-eligible nodes Elasticsearch keeps a
// voting configuration of one, and stopping that node would leave the cluster without a master;
// this way any other node can be stopped and the cluster keeps working on replicas.
//
// Usage: EmbeddedElasticsearch <basePath> <nodeNumber> <nodeCount> <httpPort1> <transportPort1> <clusterName> [key=value ...]
import org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner;

import java.util.ArrayList;
import java.util.List;

public class EmbeddedElasticsearch {
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
        ElasticsearchClusterRunner runner = new ElasticsearchClusterRunner();
        runner.setMaxHttpPort(-1);
        runner.onBuild((n, s) -> {
            s.put("node.name", "node-" + node);
            s.put("http.port", String.valueOf(httpPort + node - 1));
            s.put("transport.port", String.valueOf(transportPort + node - 1));
            s.put("network.host", "127.0.0.1");
            s.putList("discovery.seed_hosts", seeds);
            s.put("node.master", String.valueOf(node == 1));
            s.putList("cluster.initial_master_nodes", "node-1");
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
        runner.build("-basePath", basePath, "-numOfNode", "1", "-clusterName", cluster);
        while (!runner.isClosed()) {
            Thread.sleep(1000);
        }
    }
}
